//! Charts: valid images of the promised size, text that names what it
//! shows, deterministic bytes, and a redraw from the CSV files that is
//! identical to what the run wrote.

mod common;
mod report_support;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use guarantee_sim::report::charts::{
    ChartFormat, ChartKind, ChartOptions, Charts, MAX_SIDE, MIN_HEIGHT, MIN_WIDTH, PNG_SCALE, axis,
    plan, render_from_dir, text_boxes,
};
use guarantee_sim::report::manifest::{MANIFEST_JSON, RunStatus};
use guarantee_sim::report::tables::{SUMMARY_CSV, SURVIVAL_CSV};
use guarantee_sim::report::{Output, ReportContext, ReportError, Tables};
use report_support::*;

/// Writes a run (CSV + manifest) and its charts into `dir`.
fn run_with_charts(dir: &Path, options: &ChartOptions) -> Vec<PathBuf> {
    let manifest = manifest(RunStatus::Complete);
    write_run(dir, tables(), &manifest);
    let ctx = ReportContext {
        tables: tables(),
        manifest: &manifest,
    };
    Charts {
        options: options.clone(),
    }
    .write(&ctx, dir)
    .unwrap()
}

/// A folder to look at the charts by hand: `GUARANTEE_SIM_KEEP_REPORT=dir`.
fn output_dir() -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let dir = match std::env::var_os("GUARANTEE_SIM_KEEP_REPORT") {
        Some(d) => {
            let d = PathBuf::from(d);
            fs::create_dir_all(&d).unwrap();
            d
        }
        None => temp.path().to_path_buf(),
    };
    (temp, dir)
}

fn file_name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn every_chart_kind_is_written_as_png_and_svg() {
    let (_temp, dir) = output_dir();
    let written = run_with_charts(&dir, &ChartOptions::default());
    let names: BTreeSet<String> = written.iter().map(|p| file_name(p)).collect();
    let mut expected = BTreeSet::new();
    for ext in ["png", "svg"] {
        expected.insert(format!("heatmap.{ext}"));
        expected.insert(format!("robustness.{ext}"));
        expected.insert(format!("guarantors-paris-draft.{ext}"));
        for s in SCENARIOS {
            for kind in ["hold-rate", "survival", "survival-all-runs", "outcomes"] {
                expected.insert(format!("{kind}-{s}.{ext}"));
            }
        }
    }
    assert_eq!(names, expected);
    for p in &written {
        assert_eq!(p.parent().unwrap(), dir.join("charts"));
    }
}

#[test]
fn every_png_is_valid_twice_the_logical_size_and_not_blank() {
    let (_temp, dir) = output_dir();
    let options = ChartOptions {
        formats: vec![ChartFormat::Png],
        ..ChartOptions::default()
    };
    for path in run_with_charts(&dir, &options) {
        let decoder = png::Decoder::new(fs::File::open(&path).unwrap());
        let mut reader = decoder.read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut pixels).unwrap();
        assert_eq!(
            (info.width, info.height),
            (1200 * PNG_SCALE, 675 * PNG_SCALE),
            "{}",
            path.display()
        );
        assert_eq!(info.color_type, png::ColorType::Rgb);
        let colours: BTreeSet<&[u8]> = pixels[..info.buffer_size()].chunks(3).collect();
        assert!(
            colours.len() > 20,
            "{} has only {} colours",
            path.display(),
            colours.len()
        );
    }
}

#[test]
fn every_svg_names_its_packages_and_axes() {
    let (_temp, dir) = output_dir();
    let options = ChartOptions {
        formats: vec![ChartFormat::Svg],
        ..ChartOptions::default()
    };
    for path in run_with_charts(&dir, &options) {
        let svg = fs::read_to_string(&path).unwrap();
        let name = file_name(&path);
        assert!(svg.trim_start().starts_with("<svg"), "{name}");
        assert!(svg.trim_end().ends_with("</svg>"), "{name}");
        assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
        assert!(svg.contains("exploratory model, not a forecast"), "{name}");
        // Text is drawn from the embedded font's outlines, not left to
        // whatever font the viewer has; the words stay as invisible text.
        assert!(!svg.contains("font-family"), "{name} names a system font");
        assert!(
            svg.contains("<defs>") && svg.contains("<use href=\"#"),
            "{name}"
        );
        assert_eq!(
            svg.matches("<text").count(),
            svg.matches("fill-opacity=\"0\"").count(),
            "{name} has visible system-font text"
        );
        assert!(svg.contains("seed 2026"), "{name}");
        let axes: &[&str] = match name.split('.').next().unwrap() {
            n if n.starts_with("hold-rate") => &[axis::HOLD_RATE],
            n if n.starts_with("survival") => &[axis::MONTHS, axis::NO_MAJOR_OFFENSIVE],
            n if n.starts_with("outcomes") => &[axis::SHARE_OF_RUNS, "held", "rejected"],
            n if n.starts_with("guarantors") => &[axis::HONOUR_RATE, "united-states"],
            "robustness" => &[axis::WORST_CASE, axis::MEAN],
            _ => &["hold rate"],
        };
        for text in axes {
            assert!(svg.contains(text), "{name} lacks `{text}`");
        }
        if !name.starts_with("guarantors") {
            for p in PACKAGES {
                assert!(svg.contains(p), "{name} lacks package {p}");
            }
        }
        if name.starts_with("hold-rate") || name.starts_with("heatmap") {
            // By its display name: it fits.
            assert!(
                svg.contains("US ground troops on the line"),
                "{name} drops the infeasible package"
            );
        }
        if name.starts_with("hold-rate") {
            assert!(svg.contains("infeasible: no-ground-troops (united-states)"));
        }
    }
}

#[test]
fn the_same_tables_give_the_same_bytes_and_a_redraw_from_csv_matches_the_run() {
    let (_temp, dir) = output_dir();
    let written = run_with_charts(&dir, &ChartOptions::default());
    let first: Vec<Vec<u8>> = written.iter().map(|p| fs::read(p).unwrap()).collect();

    // The tables read back from CSV are the ones the batch produced.
    assert_eq!(&Tables::load(&dir).unwrap(), tables());

    let again = run_with_charts(&dir, &ChartOptions::default());
    assert_eq!(again, written);
    for (p, bytes) in written.iter().zip(&first) {
        assert_eq!(&fs::read(p).unwrap(), bytes, "{} changed", p.display());
    }
    let redrawn = render_from_dir(&dir, &ChartOptions::default()).unwrap();
    assert_eq!(redrawn, written);
    for (p, bytes) in written.iter().zip(&first) {
        assert_eq!(
            &fs::read(p).unwrap(),
            bytes,
            "{} differs when redrawn from CSV",
            p.display()
        );
    }
}

#[test]
fn options_choose_charts_formats_and_size() {
    let (_temp, dir) = output_dir();
    let options = ChartOptions {
        formats: vec![ChartFormat::Png],
        width: 800,
        height: 450,
        which: vec![ChartKind::Heatmap],
        guarantor_package: None,
    };
    let written = run_with_charts(&dir, &options);
    assert_eq!(written, vec![dir.join("charts").join("heatmap.png")]);
    let decoder = png::Decoder::new(fs::File::open(&written[0]).unwrap());
    let info = decoder.read_info().unwrap().info().clone();
    assert_eq!((info.width, info.height), (1600, 900));
    assert_eq!("survival".parse::<ChartKind>(), Ok(ChartKind::Survival));
    assert!(
        "pie"
            .parse::<ChartKind>()
            .unwrap_err()
            .contains("hold-rate")
    );
}

#[test]
fn an_unknown_guarantor_package_is_an_error_naming_the_known_ones() {
    let (_temp, dir) = output_dir();
    let manifest = manifest(RunStatus::Complete);
    write_run(&dir, tables(), &manifest);
    let options = ChartOptions {
        which: vec![ChartKind::Guarantors],
        guarantor_package: Some("nonexistent".into()),
        ..ChartOptions::default()
    };
    let err = render_from_dir(&dir, &options).unwrap_err().to_string();
    assert!(
        err.contains("nonexistent") && err.contains("paris-draft"),
        "{err}"
    );
}

#[test]
fn a_missing_or_corrupted_file_fails_naming_it() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    let manifest = manifest(RunStatus::Complete);
    let options = ChartOptions::default();

    write_run(dir, tables(), &manifest);
    fs::remove_file(dir.join(SURVIVAL_CSV)).unwrap();
    let err = render_from_dir(dir, &options).unwrap_err();
    assert!(matches!(err, ReportError::Table(_)));
    assert!(err.to_string().contains(SURVIVAL_CSV), "{err}");

    write_run(dir, tables(), &manifest);
    let summary = dir.join(SUMMARY_CSV);
    let text = fs::read_to_string(&summary).unwrap();
    fs::write(&summary, text.replacen(",300,", ",three hundred,", 1)).unwrap();
    let err = render_from_dir(dir, &options).unwrap_err().to_string();
    assert!(err.contains(SUMMARY_CSV), "{err}");

    write_run(dir, tables(), &manifest);
    fs::write(dir.join(MANIFEST_JSON), "{\"tool\": ").unwrap();
    let err = render_from_dir(dir, &options).unwrap_err().to_string();
    assert!(err.contains(MANIFEST_JSON), "{err}");

    fs::remove_file(dir.join(MANIFEST_JSON)).unwrap();
    let err = render_from_dir(dir, &options).unwrap_err().to_string();
    assert!(err.contains(MANIFEST_JSON), "{err}");
}

/// Every text of every chart at the smallest, the default and a large
/// size: inside the canvas and clear of every other text.
#[test]
fn at_every_size_no_text_leaves_the_canvas_or_covers_another() {
    let manifest = manifest(RunStatus::Complete);
    let mut problems = Vec::new();
    for (tables, width, height) in [
        (tables(), 640, 400),
        (bundled_tables(), 640, 400),
        (bundled_tables(), 800, 450),
        (bundled_tables(), 1200, 675),
        (bundled_tables(), 2400, 1350),
        // The corners of what the `chart` command accepts.
        (bundled_tables(), MIN_WIDTH, MAX_SIDE),
        (bundled_tables(), MAX_SIDE, MIN_HEIGHT),
        (bundled_tables(), MAX_SIDE, MAX_SIDE),
    ] {
        let ctx = ReportContext {
            tables,
            manifest: &manifest,
        };
        for spec in plan(tables, &ChartOptions::default()).unwrap() {
            let boxes = text_boxes(&ctx, &spec, width, height).unwrap();
            assert!(boxes.len() > 5, "{} drew almost no text", spec.stem);
            for (i, a) in boxes.iter().enumerate() {
                if !a.inside(width, height) {
                    problems.push(format!(
                        "{width}x{height} {}: `{}` leaves the canvas {a:?}",
                        spec.stem, a.text
                    ));
                }
                for b in &boxes[i + 1..] {
                    if a.overlaps(b) {
                        problems.push(format!(
                            "{width}x{height} {}: `{}` covers `{}`",
                            spec.stem, a.text, b.text
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The texts of one chart of the bundled run at a size.
fn bundled_texts(stem: &str, width: u32, height: u32) -> Vec<String> {
    let manifest = manifest(RunStatus::Complete);
    let ctx = ReportContext {
        tables: bundled_tables(),
        manifest: &manifest,
    };
    let spec = plan(bundled_tables(), &ChartOptions::default())
        .unwrap()
        .into_iter()
        .find(|s| s.stem == stem)
        .unwrap();
    text_boxes(&ctx, &spec, width, height)
        .unwrap()
        .into_iter()
        .map(|b| b.text)
        .collect()
}

#[test]
fn packages_are_shown_by_display_name_and_by_id_where_the_name_does_not_fit() {
    let texts = bundled_texts("outcomes-renewed-attack", 640, 400);
    assert!(
        texts.iter().any(|t| t == "No guarantee beyond aid"),
        "{texts:?}"
    );
    assert!(texts.iter().any(|t| t == "tripwire-line"), "{texts:?}");
    assert!(!texts.iter().any(|t| t == "no-guarantee"), "{texts:?}");
    // On a large canvas the long name fits, wrapped.
    let texts = bundled_texts("outcomes-renewed-attack", 2400, 1350);
    assert!(!texts.iter().any(|t| t == "tripwire-line"), "{texts:?}");
    assert!(
        texts.iter().any(|t| t.contains("European force")),
        "{texts:?}"
    );
}

#[test]
fn guarantors_that_do_not_fit_are_counted_and_the_best_and_worst_kept() {
    let all = guarantee_sim::report::views::pooled_guarantors(bundled_tables(), "paris-draft");
    assert!(all.len() > 30, "{}", all.len());
    let small = bundled_texts("guarantors-paris-draft", 640, 400);
    let omitted = small
        .iter()
        .find(|t| t.starts_with('…'))
        .expect("a row counting the countries left out");
    let shown = all
        .iter()
        .filter(|g| small.contains(&g.country_name))
        .count();
    assert_eq!(
        omitted,
        &format!("… {} more, all in guarantors.csv", all.len() - shown)
    );
    assert!(small.contains(&all[0].country_name));
    assert!(small.contains(&all[all.len() - 1].country_name));
    let large = bundled_texts("guarantors-paris-draft", 2400, 1350);
    assert!(all.iter().all(|g| large.contains(&g.country_name)));
    assert!(!large.iter().any(|t| t.starts_with('…')));
}
