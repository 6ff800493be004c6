//! Replaying a manifest: the scenario it vouches for and the request it
//! records, checked like a fresh request.

use std::path::Path;

use anyhow::{Context as _, bail};

use super::plan::{Input, Request};
use crate::report::Manifest;
use crate::report::manifest::ExplorationManifest;
use crate::report::manifest::build_commit;
use crate::scenario::read::{MAX_MANIFEST_BYTES, read_regular_text};
use crate::scenario::{self, Merged, ScenarioErrors};

/// Reads a manifest to replay and checks that its scenario is the one it
/// vouches for: an edited `scenario_resolved` would otherwise replay a
/// different scenario under the old name. An exploration's manifest is
/// refused with the command that replays it.
pub fn read_manifest(path: &Path) -> anyhow::Result<Manifest> {
    let value = read_json(path)?;
    if let Some(command) = value
        .get("exploration")
        .and_then(|e| e.get("command"))
        .and_then(|c| c.as_str())
    {
        bail!(
            "--replay {}: this manifest was written by `guarantee-sim {command}`; replay it with \
             `guarantee-sim {command} --replay {}`",
            path.display(),
            path.display()
        );
    }
    let manifest: Manifest = serde_json::from_value(value).with_context(|| {
        format!(
            "--replay {}: not a guarantee-sim manifest.json (written by `guarantee-sim run`)",
            path.display()
        )
    })?;
    check_scenario(path, &manifest)?;
    Ok(manifest)
}

/// Reads the manifest of an exploration written by `command`.
pub fn read_exploration(path: &Path, command: &str) -> anyhow::Result<ExplorationManifest> {
    let value = read_json(path)?;
    let manifest: ExplorationManifest = serde_json::from_value(value).with_context(|| {
        format!(
            "--replay {}: not the manifest.json of `guarantee-sim {command}`",
            path.display()
        )
    })?;
    if manifest.exploration.command != command {
        bail!(
            "--replay {}: this manifest was written by `guarantee-sim {}`, not `{command}`; replay it with that command",
            path.display(),
            manifest.exploration.command
        );
    }
    check_scenario(path, &manifest.run)?;
    Ok(manifest)
}

fn read_json(path: &Path) -> anyhow::Result<serde_json::Value> {
    let text = read_regular_text(path, MAX_MANIFEST_BYTES)
        .with_context(|| format!("--replay {}: cannot read the manifest", path.display()))?;
    serde_json::from_str(&text).with_context(|| {
        format!(
            "--replay {}: not a guarantee-sim manifest.json (not JSON)",
            path.display()
        )
    })
}

fn check_scenario(path: &Path, manifest: &Manifest) -> anyhow::Result<()> {
    let actual = scenario::sha256_hex(&manifest.scenario_resolved);
    if actual != manifest.scenario_sha256 {
        bail!(
            "--replay {}: field `scenario_sha256` ({}) does not match the SHA-256 of \
             `scenario_resolved` ({actual}): the manifest was edited or damaged, so it would replay \
             a different scenario than the run it describes; restore it, or run the scenario file itself",
            path.display(),
            manifest.scenario_sha256
        );
    }
    Ok(())
}

/// Why a replay may not reproduce the bytes: the manifest was written by
/// another version or commit.
pub fn version_warning(manifest: &Manifest) -> Option<String> {
    let version = env!("CARGO_PKG_VERSION");
    let same = manifest.version == version
        && (manifest.git_commit.is_none() || manifest.git_commit == build_commit());
    (!same).then(|| {
        format!(
            "the manifest was written by guarantee-sim {} ({}), this is {version} ({}); \
             a different version may give different results",
            manifest.version,
            manifest.git_commit.as_deref().unwrap_or("commit unknown"),
            build_commit().as_deref().unwrap_or("commit unknown"),
        )
    })
}

/// The scenario a manifest recorded, compiled again.
pub fn input(manifest: &Manifest) -> Result<Input, ScenarioErrors> {
    merged_input(manifest).map(|(_, input)| input)
}

/// The scenario a manifest recorded, merged (for an exploration to vary)
/// and compiled.
pub fn merged_input(manifest: &Manifest) -> Result<(Merged, Input), ScenarioErrors> {
    let name = Path::new(&manifest.scenario_file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "replay.toml".to_string());
    let merged = scenario::merge_str(&name, &manifest.scenario_resolved, None)?;
    let loaded = merged.clone().compile()?;
    Ok((
        merged,
        Input {
            loaded,
            shown: manifest.scenario_file.clone(),
            stem: String::new(),
        },
    ))
}

/// The scenario a manifest recorded, as [`merged_input`] gives it, also
/// naming the files the original run read (the paths, the resolved text and
/// its hash), so that the outputs written from it (a merge of shards) are
/// the original run's bytes.
pub fn restored_input(manifest: &Manifest) -> Result<(Merged, Input), ScenarioErrors> {
    let (merged, mut input) = merged_input(manifest)?;
    input.loaded.sources = manifest
        .source_files
        .iter()
        .map(|path| scenario::SourceFile {
            path: path.clone(),
            disk_path: None,
            text: std::sync::Arc::from(""),
        })
        .collect();
    input.loaded.resolved_toml = manifest.scenario_resolved.clone();
    input.loaded.sha256 = manifest.scenario_sha256.clone();
    Ok((merged, input))
}

/// The request a manifest recorded.
pub fn request(manifest: &Manifest) -> Request {
    Request {
        seed: Some(manifest.seed),
        runs: Some(manifest.runs_requested),
        packages: manifest.packages.clone(),
        scenarios: manifest.scenarios.clone(),
        reference: manifest.reference.clone(),
        precision: manifest.precision.map(|p| p.half_width),
        max_runs: manifest.precision.map(|p| p.max_runs),
        from_manifest: true,
    }
}

/// Where a replay writes by default: `replay/` beside the manifest.
pub fn default_out(manifest_path: &Path) -> std::path::PathBuf {
    manifest_path
        .parent()
        .unwrap_or(Path::new("."))
        .join("replay")
}
