//! The export: the reader's files with the fixes they accepted applied.
//!
//! Real life: a linter's `--fix` (dclint, `hadolint` has none) rewrites the file in place, and a
//! reviewer's suggestions are applied one by one. What we model: each accepted fix is found again
//! by its key in a fresh report of the current text and applied as a textual edit, then the report
//! runs again; so two fixes that both need a `deploy:` block do not clash (the second sees the
//! first one's block and adds to it). Nothing is re-serialised: comments, blank lines, quoting and
//! the author's key order stay as written; new keys go at the end of the block they belong to.
//! The result is checked with the same loader (YAML → interpolation → schema → model).
//! What we simplify: output uses LF line ends and ends with one newline (that is the only change
//! made to a file without accepted fixes); a fix whose finding no longer appears is skipped.

use super::Upload;
use super::report::{self, text};

/// The most fixes one export applies (each is one report run): more than any file has findings.
const MAX_FIXES: usize = 500;

/// The upload with the accepted fixes applied to each file they edit (the compose file and the
/// Dockerfiles), every text normalised. `Err` when the file does not load (the loader's words).
pub fn export_upload(upload: &Upload, accepted: &[String]) -> Result<Upload, String> {
    let mut current = upload.clone();
    for f in &mut current.files {
        f.text = text::normalise(&f.text);
    }
    let mut applied: Vec<String> = Vec::new();
    let mut findings = report::report(&current)?.findings;
    for _ in 0..MAX_FIXES {
        let next = findings.into_iter().find(|f| {
            let key = f.key();
            f.fix.is_some() && accepted.contains(&key) && !applied.contains(&key)
        });
        let Some(finding) = next else { break };
        applied.push(finding.key());
        let mut candidate = current.clone();
        if let Some(fix) = finding.fix
            && let Some(file) = candidate
                .files
                .iter_mut()
                .find(|f| f.path.trim_start_matches("./") == fix.file.trim_start_matches("./"))
            && let Some(new) = text::apply(&file.text, &fix.edits)
        {
            file.text = text::normalise(&new);
        }
        // What goes out must load the way it came in: a fix that would break the file is
        // skipped (its finding stays in the report of the export).
        match report::report(&candidate) {
            Ok(r) => {
                current = candidate;
                findings = r.findings;
            }
            Err(_) => findings = report::report(&current)?.findings,
        }
    }
    Ok(current)
}

/// The compose file with those fixes, as text.
pub fn export(upload: &Upload, accepted: &[String]) -> Result<String, String> {
    let exported = export_upload(upload, accepted)?;
    Ok(exported
        .compose_file()
        .map(|f| f.text.clone())
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_fix_accepted_is_the_file_normalised() {
        let up = Upload::compose("services:\r\n  web:\r\n    image: nginx # the web\r\n\r\n\r\n");
        assert_eq!(
            export(&up, &[]).unwrap(),
            "services:\n  web:\n    image: nginx # the web\n"
        );
    }

    #[test]
    fn two_fixes_share_one_deploy_block() {
        let text = "services:\n  web:\n    image: nginx:1.27\n    restart: always\n    labels:\n      traefik.enable: \"true\"\n      traefik.http.routers.web.rule: Host(`a.example`)\n";
        let up = Upload {
            target: super::super::Target::Swarm {
                managers: 3,
                workers: 0,
            },
            files: Upload::compose(text).files,
        };
        let r = report::report(&up).unwrap();
        let keys: Vec<String> = r
            .findings
            .iter()
            .filter(|f| f.fix.is_some())
            .map(|f| f.key())
            .collect();
        assert!(keys.iter().any(|k| k.starts_with("DY122")), "{keys:?}");
        assert!(keys.iter().any(|k| k.starts_with("DY124")), "{keys:?}");
        let out = export(&up, &keys).unwrap();
        assert_eq!(out.matches("deploy:").count(), 1, "{out}");
        assert!(out.contains("restart_policy:"), "{out}");
        assert!(out.contains("loadbalancer.server.port"), "{out}");
        let again = report::report(&Upload {
            files: vec![super::super::UploadFile {
                path: "compose.yaml".into(),
                text: out.clone(),
            }],
            ..up.clone()
        })
        .unwrap();
        for k in &keys {
            assert!(!again.findings.iter().any(|f| &f.key() == k), "{k}\n{out}");
        }
    }
}
