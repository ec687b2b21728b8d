//! Writes a sample certificate to `<path>.pdf` and `<path>.png`, then times 50 PDF renders
//! with one reused `Renderer`: `cargo run --release -p mm-pdf --example render -- /tmp/sample`.

use std::time::Instant;

use mm_pdf::{CertificateDocument, CertificateTexts, Image, Renderer, Template};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "certificate-sample".to_owned());
    let start = Instant::now();
    let renderer = Renderer::new()?;
    let built = start.elapsed();
    let doc = sample()?;

    let start = Instant::now();
    let pdf = renderer.pdf(&doc)?;
    println!("Renderer::new {built:?}, first (cold) render {:?}", start.elapsed());
    std::fs::write(format!("{base}.pdf"), &pdf)?;
    std::fs::write(format!("{base}.png"), renderer.png(&doc, 1.5)?)?;
    println!("wrote {base}.pdf ({} bytes) and {base}.png", pdf.len());
    std::fs::write(format!("{base}-long.png"), renderer.png(&longest(doc.clone()), 1.5)?)?;

    let mut times = Vec::new();
    for i in 0..50 {
        let mut doc = doc.clone();
        doc.number = format!("MM-2026-{:06}", 100 + i);
        let start = Instant::now();
        renderer.pdf(&doc)?;
        times.push(start.elapsed());
    }
    times.sort();
    println!(
        "50 renders: p50 {:?}, p90 {:?}, max {:?}",
        times[25], times[45], times[49]
    );
    Ok(())
}

/// The longest texts the layout must hold, without images: to check nothing overlaps.
fn longest(mut doc: CertificateDocument) -> CertificateDocument {
    doc.lang = "el-GR".to_owned();
    doc.learner_name = "Αικατερίνη-Μαρία Παπαδοπούλου-Κωνσταντινίδου Ζωή".to_owned();
    doc.course_name = "Διαχείριση έργων πληροφορικής με ευέλικτες μεθοδολογίες: Scrum, Kanban και κλιμάκωση σε μεγάλους οργανισμούς (προχωρημένο επίπεδο)".to_owned();
    doc.texts.title = "Πιστοποιητικό".to_owned();
    doc.texts.certifies_that = "Πιστοποιείται ότι".to_owned();
    doc.texts.has_completed = "ολοκλήρωσε με επιτυχία το πρόγραμμα".to_owned();
    doc.template = Template {
        footer: doc.template.footer.clone(),
        ..Template::default()
    };
    doc.version = 1;
    doc.valid_until = None;
    doc
}

fn sample() -> Result<CertificateDocument, Box<dyn std::error::Error>> {
    let logo = br##"<svg xmlns="http://www.w3.org/2000/svg" width="240" height="60" viewBox="0 0 240 60">
  <circle cx="30" cy="30" r="26" fill="#1f3a5f"/><path d="M16 40 L30 16 L44 40 Z" fill="#b8943f"/>
  <text x="66" y="39" font-family="Libertinus Serif" font-size="24" fill="#1f3a5f">Academia Sol</text></svg>"##;
    let signature = br##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60" viewBox="0 0 200 60">
  <path d="M10 45 C 30 5, 45 5, 50 40 S 80 55, 95 20 S 130 10, 140 38 S 170 50, 190 18" fill="none" stroke="#1b2a4a" stroke-width="2.5"/></svg>"##;
    Ok(CertificateDocument {
        lang: "es-ES".to_owned(),
        number: "MM-2026-000042".to_owned(),
        learner_name: "Luis Pérez Ñúñez".to_owned(),
        course_name: "Prevención de riesgos laborales: nivel básico".to_owned(),
        hours: Some("con una duración de 60 horas".to_owned()),
        completed_on: "3 de marzo de 2026".to_owned(),
        issued_on: "4 de marzo de 2026".to_owned(),
        valid_until: Some("4 de marzo de 2031".to_owned()),
        version: 2,
        issuer: "Academia Sol".to_owned(),
        verify_url: format!(
            "https://cursos.academiasol.example/certificates/verify?t={}",
            "eyJhbGciOiJFZERTQSJ9.eyJuIjoiTU0tMjAyNi0wMDAwNDIiLCJ2IjoyfQ.".repeat(5)
        ),
        texts: CertificateTexts {
            title: "Certificado".to_owned(),
            certifies_that: "Se certifica que".to_owned(),
            has_completed: "ha completado con éxito el curso".to_owned(),
            completed_on: "Completado el".to_owned(),
            issued_on: "Expedido el".to_owned(),
            valid_until: "Válido hasta".to_owned(),
            number: "Número de certificado".to_owned(),
            verify: "Verifique en".to_owned(),
        },
        template: Template {
            logo: Some(Image::from_bytes(logo.to_vec())?),
            signature: Some(Image::from_bytes(signature.to_vec())?),
            signatory_name: Some("María García López".to_owned()),
            signatory_title: Some("Directora académica".to_owned()),
            footer: Some("Academia Sol S.L. · CIF B-12345678 · Calle Mayor 1, 28013 Madrid".to_owned()),
            ..Template::default()
        },
    })
}
