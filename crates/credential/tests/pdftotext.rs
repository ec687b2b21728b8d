//! A sealed PDF still reads: poppler's `pdftotext` ignores the seal line after `%%EOF`.
//! Needs `pdftotext` (Debian `poppler-utils`), hence ignored by default:
//! `cargo test -p mm-credential --test pdftotext -- --ignored`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use std::process::Command;

use mm_credential::{CertificatePayload, KeySet, PdfCheck, SigningKey, check_pdf, seal_pdf, sign};

/// A one-page PDF showing `text`, with a correct cross-reference table.
fn minimal_pdf(text: &str) -> Vec<u8> {
    let content = format!("BT /F1 24 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", index + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// Whether poppler's pdftotext is here; missing, the test is skipped unless
/// `MM_REQUIRE_POPPLER=1` (as `scripts/test.sh` sets), where it fails.
fn have_pdftotext() -> bool {
    let found = Command::new("pdftotext").arg("-v").output().is_ok();
    if !found && std::env::var("MM_REQUIRE_POPPLER").as_deref() == Ok("1") {
        panic!("pdftotext is missing: apt-get install poppler-utils");
    }
    found
}

fn pdftotext(pdf: &[u8], name: &str) -> (bool, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    let output = Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn pdftotext_reads_a_sealed_pdf_as_it_read_the_unsealed_one() {
    if !have_pdftotext() {
        eprintln!("skipped: pdftotext (poppler-utils) is not installed");
        return;
    }
    let pdf = minimal_pdf("Certificate 2025-000123");
    let key = SigningKey::generate();
    let payload = CertificatePayload {
        number: "2025-000123".into(),
        code: mm_credential::random_code(),
        learner: "Ana".into(),
        course: "Course".into(),
        hours: None,
        completed_on: "2025-03-01".into(),
        issued_on: "2025-03-02".into(),
        valid_until: None,
        version: 1,
        issuer: "Academia".into(),
    };
    let sealed = seal_pdf(&pdf, &key, &sign(&key, payload.clone()));
    assert_eq!(
        check_pdf(&sealed, &KeySet::new(vec![key.public()])),
        PdfCheck::Valid(payload)
    );

    let (plain_ok, plain_text, _) = pdftotext(&pdf, "plain");
    let (sealed_ok, sealed_text, sealed_errors) = pdftotext(&sealed, "sealed");
    assert!(
        plain_ok && plain_text.contains("Certificate 2025-000123"),
        "{plain_text}"
    );
    assert!(sealed_ok, "{sealed_errors}");
    assert_eq!(sealed_text, plain_text);
    assert!(sealed_errors.is_empty(), "pdftotext complained: {sealed_errors}");
}
