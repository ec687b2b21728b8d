//! The rendered certificate read back with poppler (pdftotext, pdffonts, pdfinfo, pdftoppm)
//! and its QR code decoded with rqrr. Without poppler the tests skip, unless
//! `MM_REQUIRE_POPPLER=1` makes them fail.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is a failed test

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, LazyLock};

use mm_pdf::{CertificateDocument, CertificateTexts, Image, ImageFormat, Renderer, Template};

static RENDERER: LazyLock<Arc<Renderer>> = LazyLock::new(|| Arc::new(Renderer::new().unwrap()));

/// A long verification URL: the real ones carry the signed payload (about 490 characters for
/// a typical certificate), so this one has headroom at 600.
fn long_url() -> String {
    let token: String = (0..540)
        .map(|i| {
            let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            char::from(alphabet[(i * 37 + i / 7) % 64])
        })
        .collect();
    let url = format!("https://formacion.academia-ejemplo.es/certificates/verify?t={token}");
    assert_eq!(url.len(), 600);
    url
}

fn sample(learner: &str, lang: &str) -> CertificateDocument {
    CertificateDocument {
        lang: lang.to_owned(),
        number: "MM-2026-000042".to_owned(),
        learner_name: learner.to_owned(),
        course_name: "Seguridad alimentaria y manipulación".to_owned(),
        hours: Some("20 horas lectivas".to_owned()),
        completed_on: "3 de marzo de 2026".to_owned(),
        issued_on: "4 de marzo de 2026".to_owned(),
        valid_until: None,
        version: 1,
        issuer: "Academia Ejemplo".to_owned(),
        verify_url: long_url(),
        texts: CertificateTexts {
            title: "Certificado".to_owned(),
            certifies_that: "Se certifica que".to_owned(),
            has_completed: "ha completado el curso".to_owned(),
            completed_on: "Completado el".to_owned(),
            issued_on: "Expedido el".to_owned(),
            valid_until: "Válido hasta".to_owned(),
            number: "Número".to_owned(),
            verify: "Verifique en".to_owned(),
        },
        template: Template::default(),
    }
}

/// Whether poppler's command-line tools are here; fails instead of skipping when required.
fn poppler(test: &str) -> bool {
    let found = Command::new("pdftotext").arg("-v").output().is_ok();
    if !found {
        assert!(
            std::env::var("MM_REQUIRE_POPPLER").as_deref() != Ok("1"),
            "MM_REQUIRE_POPPLER=1 but pdftotext is missing: apt-get install poppler-utils"
        );
        eprintln!("skipping {test}: pdftotext (poppler-utils) is not installed");
    }
    found
}

struct Written {
    _dir: tempfile::TempDir,
    pdf: PathBuf,
}

fn write_pdf(doc: &CertificateDocument) -> Written {
    let bytes = RENDERER.pdf(doc).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("certificate.pdf");
    std::fs::write(&pdf, bytes).unwrap();
    Written { _dir: dir, pdf }
}

fn run(tool: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(tool).args(args).arg(pdf).arg("-").output().unwrap();
    assert!(out.status.success(), "{tool}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn text_of(doc: &CertificateDocument) -> String {
    run("pdftotext", &["-enc", "UTF-8"], &write_pdf(doc).pdf)
}

#[test]
fn names_in_three_scripts_course_and_number_are_in_the_text() {
    if !poppler("names_in_three_scripts") {
        return;
    }
    for (name, lang) in [
        ("Luis Pérez", "es-ES"),
        ("Ζωή Παπαδοπούλου", "el-GR"),
        ("Анна Иванова", "ru"),
    ] {
        let doc = sample(name, lang);
        let text = text_of(&doc);
        for expected in [name, doc.course_name.as_str(), doc.number.as_str(), "20 horas lectivas"] {
            assert!(text.contains(expected), "{expected:?} not in:\n{text}");
        }
    }
}

#[test]
fn every_font_is_embedded_and_subset() {
    if !poppler("every_font_is_embedded_and_subset") {
        return;
    }
    let mut doc = sample("Ζωή Παπαδοπούλου", "el");
    doc.valid_until = Some("2031".to_owned());
    let pdf = write_pdf(&doc);
    let out = Command::new("pdffonts").arg(&pdf.pdf).output().unwrap();
    let listing = String::from_utf8(out.stdout).unwrap();
    let fonts: Vec<&str> = listing.lines().skip(2).collect();
    assert!(fonts.len() >= 2, "text and mono fonts expected:\n{listing}");
    for font in fonts {
        let columns: Vec<&str> = font.split_whitespace().collect();
        // name type encoding emb sub uni object ID; the type may be two words.
        let n = columns.len();
        assert_eq!(&columns[n - 5..n - 2], ["yes", "yes", "yes"], "emb/sub/uni: {font}");
        assert!(columns[0].contains('+'), "a subset's name has a tag: {font}");
    }
}

/// At 300 dpi, a scan's usual resolution: the real URLs make a version 15–16 code, which the
/// pure-Rust decoder (rqrr) only finds at about 6 px per module; a phone camera has far more.
#[test]
fn the_qr_code_at_300_dpi_decodes_to_a_600_character_verify_url() {
    if !poppler("the_qr_code_decodes") {
        return;
    }
    let doc = sample("Luis Pérez", "es-ES");
    let pdf = write_pdf(&doc);
    let prefix = pdf.pdf.with_extension("");
    let out = Command::new("pdftoppm")
        .args(["-r", "300", "-png", "-singlefile"])
        .arg(&pdf.pdf)
        .arg(&prefix)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let page = image::open(prefix.with_extension("png")).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(page);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the page");
    let (_, content) = grids[0].decode().unwrap();
    assert_eq!(content, doc.verify_url);
}

#[test]
fn user_text_is_never_markup() {
    if !poppler("user_text_is_never_markup") {
        return;
    }
    let mut doc = sample("#panic() *x* $y$ _z_", "es");
    doc.course_name = "#let a = 1 <label> @ref `raw` \\ \"q\"".to_owned();
    doc.texts.title = "#[] ]".to_owned();
    doc.template.footer = Some("// not a comment /* nor this */".to_owned());
    let text = text_of(&doc);
    for literal in [
        "#panic() *x* $y$ _z_",
        "#let a = 1 <label> @ref `raw` \\ \"q\"",
        "// not a comment /* nor this */",
    ] {
        assert!(text.contains(literal), "{literal:?} not printed literally:\n{text}");
    }
    assert!(
        text.contains("#[] ]") || text.contains("#[] ]".to_uppercase().as_str()),
        "{text}"
    );
}

#[test]
fn metadata_names_the_certificate_its_issuer_and_language() {
    if !poppler("metadata") {
        return;
    }
    let doc = sample("Анна Иванова", "ru-RU");
    let pdf = write_pdf(&doc);
    let out = Command::new("pdfinfo").arg(&pdf.pdf).output().unwrap();
    let info = String::from_utf8(out.stdout).unwrap();
    assert!(info.contains("Title:           Certificado MM-2026-000042"), "{info}");
    assert!(info.contains("Author:          Academia Ejemplo"), "{info}");
    assert!(info.contains("Pages:           1"), "{info}");
    assert!(info.contains("841.89 x 595.276"), "A4 landscape: {info}");
    let bytes = std::fs::read(&pdf.pdf).unwrap();
    let raw = String::from_utf8_lossy(&bytes);
    assert!(
        raw.contains("/Lang(ru-RU)") || raw.contains("/Lang (ru-RU)"),
        "the catalog names the language"
    );
}

#[test]
fn version_hours_and_validity_print_only_when_given() {
    if !poppler("version_hours_and_validity") {
        return;
    }
    let mut doc = sample("Luis Pérez", "es-ES");
    doc.hours = None;
    let text = text_of(&doc);
    assert!(
        !text.contains("horas") && !text.contains("v1") && !text.contains("Válido"),
        "{text}"
    );
    doc.version = 3;
    doc.hours = Some("7,5 horas lectivas".to_owned());
    doc.valid_until = Some("4 de marzo de 2031".to_owned());
    let text = text_of(&doc);
    for expected in ["v3", "7,5 horas lectivas", "4 de marzo de 2031"] {
        assert!(text.contains(expected), "{expected:?} not in:\n{text}");
    }
}

fn png_logo() -> Vec<u8> {
    let logo = image::RgbImage::from_fn(240, 80, |x, y| {
        if (x / 20 + y / 20) % 2 == 0 {
            image::Rgb([31, 58, 95])
        } else {
            image::Rgb([184, 148, 63])
        }
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    logo.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
    bytes.into_inner()
}

const SIGNATURE_SVG: &[u8] = br##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 60">
<path d="M10 45 C 30 5, 45 5, 50 40 S 80 55, 95 20" fill="none" stroke="#123" stroke-width="3"/></svg>"##;

#[test]
fn a_png_logo_and_an_svg_signature_are_drawn() {
    let mut doc = sample("Luis Pérez", "es-ES");
    doc.template.logo = Some(Image::from_bytes(png_logo()).unwrap());
    doc.template.signature = Some(Image::from_bytes(SIGNATURE_SVG.to_vec()).unwrap());
    doc.template.signatory_name = Some("María García".to_owned());
    assert_eq!(doc.template.logo.as_ref().unwrap().format, ImageFormat::Png);
    assert_eq!(doc.template.signature.as_ref().unwrap().format, ImageFormat::Svg);

    let png = RENDERER.png(&doc, 1.0).unwrap();
    let page = image::load_from_memory(&png).unwrap().to_rgb8();
    assert_eq!(page.dimensions(), (842, 595), "A4 landscape at 1 px/pt");
    // The logo's navy and gold checks appear near the top centre.
    let top = (300..540).flat_map(|x| (40..120).map(move |y| (x, y)));
    let gold = top.filter(|&(x, y)| page.get_pixel(x, y).0 == [184, 148, 63]).count();
    assert!(gold > 500, "logo pixels found: {gold}");

    if poppler("a_png_logo_is_embedded") {
        let pdf = write_pdf(&doc);
        let out = Command::new("pdfimages").arg("-list").arg(&pdf.pdf).output().unwrap();
        let listing = String::from_utf8(out.stdout).unwrap();
        assert!(listing.lines().any(|line| line.contains(" 240    80 ")), "{listing}");
    }
}

#[test]
fn a_broken_image_is_refused_with_its_role() {
    let mut truncated = png_logo();
    truncated.truncate(40);
    let mut doc = sample("Luis Pérez", "es-ES");
    doc.template.signature = Some(Image::from_bytes(truncated).unwrap());
    let err = RENDERER.pdf(&doc).unwrap_err();
    assert_eq!(err.code(), "image_invalid", "{err}");
    assert!(
        err.to_string().contains("signature image cannot be read as PNG"),
        "{err}"
    );

    doc.template.signature = Some(Image::from_bytes(b"<svg><g></svg>".to_vec()).unwrap());
    let err = RENDERER.pdf(&doc).unwrap_err();
    assert_eq!(err.code(), "image_invalid", "{err}");

    let err = Image::from_bytes(b"BM\x00\x00 a bitmap".to_vec()).unwrap_err();
    assert_eq!(err.code(), "image_unsupported");
    assert!(err.to_string().contains("PNG, JPEG or SVG"), "{err}");
}

#[test]
fn a_name_no_font_can_draw_is_refused() {
    let err = RENDERER.pdf(&sample("王小明", "zh-CN")).unwrap_err();
    assert_eq!(err.code(), "font_missing");
    assert!(
        err.to_string().contains("learner_name") && err.to_string().contains('王'),
        "{err}"
    );
}

#[test]
fn a_bad_language_tag_is_refused() {
    let err = RENDERER.pdf(&sample("Luis Pérez", "spanish")).unwrap_err();
    assert_eq!(err.code(), "language_invalid");
    assert!(err.to_string().contains("`spanish`"), "{err}");
}

#[test]
fn the_file_stays_small_with_images() {
    let mut doc = sample("Ζωή Παπαδοπούλου", "el-GR");
    doc.template.logo = Some(Image::from_bytes(png_logo()).unwrap());
    doc.template.signature = Some(Image::from_bytes(SIGNATURE_SVG.to_vec()).unwrap());
    doc.template.footer = Some("Академия · Ακαδημία · Academia".to_owned());
    let pdf = RENDERER.pdf(&doc).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.len() < 200 * 1024, "{} bytes", pdf.len());
}

#[test]
fn renders_from_several_threads_share_one_renderer() {
    let handles: Vec<_> = ["Luis Pérez", "Ζωή Παπαδοπούλου", "Анна Иванова"]
        .into_iter()
        .map(|name| {
            let renderer = Arc::clone(&RENDERER);
            std::thread::spawn(move || renderer.pdf(&sample(name, "es")).map(|pdf| pdf.len()))
        })
        .collect();
    for handle in handles {
        assert!(handle.join().unwrap().unwrap() > 1000);
    }
}

#[test]
fn greek_capitals_drop_their_accents() {
    if !poppler("greek_capitals_drop_their_accents") {
        return;
    }
    let mut doc = sample("Ζωή Παπαδοπούλου", "el-GR");
    doc.texts.title = "Πιστοποιητικό".to_owned();
    let text = text_of(&doc);
    assert!(text.contains("ΠΙΣΤΟΠΟΙΗΤΙΚΟ"), "{text}");
    assert!(text.contains("Ζωή Παπαδοπούλου"), "names keep theirs: {text}");
}

#[test]
fn texts_too_long_for_one_page_are_refused_not_spilled() {
    let mut doc = sample("Luis Pérez", "es-ES");
    doc.course_name = "Un curso con un nombre interminable ".repeat(60);
    let Err(err) = RENDERER.pdf(&doc) else {
        panic!("a two-page certificate was accepted")
    };
    assert_eq!(err.code(), "content_overflow", "{err}");
    assert!(err.to_string().contains("course_name"), "{err}");
}

#[test]
fn a_png_scale_out_of_range_is_refused() {
    let doc = sample("Luis Pérez", "es-ES");
    for scale in [0.0, -1.0, 9.0, f32::NAN] {
        assert_eq!(RENDERER.png(&doc, scale).unwrap_err().code(), "scale_invalid");
    }
}
