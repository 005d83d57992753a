//! Docker Compose: the Compose file, parsed, checked and printed (`docker compose config`).
//!
//! Real `docker compose` (docker/compose on compose-go) finds `compose.yaml` (then `compose.yml`,
//! `docker-compose.yml`, `docker-compose.yaml`) in the working folder, reads `.env`, parses the
//! YAML, warns about the obsolete `version:`, interpolates `${VAR}`, validates against the Compose
//! JSON schema, builds the typed model with short forms expanded and defaults filled in, checks
//! references and dependency cycles, and for `config` prints the result. We do each of those
//! steps in that order (yaml.rs, interpolate.rs, schema.rs, model.rs, config.rs) with
//! compose-go's words. Running the project (`up`, `down`, `ps`, `logs`, `exec`, `run`, …) is
//! commands.rs and job.rs; the subcommands real Compose has that Dockyard does not simulate
//! (`pause`, `kill`, `scale`, …) are refused by name (args.rs).
//!
//! YAML: yaml.rs drives `granit-parser` (a maintained YAML 1.2 event parser) and builds the tree
//! itself, resolving scalars, anchors, `<<` merge keys and repeated keys the way go-yaml v3 does
//! (yaml.rs says where it differs). It replaced `serde-saphyr` (the serde layer over the same
//! parser; the archived `serde_yaml`/`serde_yml` were never used), which with its error renderer
//! cost the release wasm 317 KB raw / 122 KB `gzip -9` more (2,876,420 → 2,559,296 and
//! 1,078,326 → 955,998 bytes). Syntax errors carry granit-parser's own description
//! (go-yaml's sentences differ) with the line and column. Only one `-f` file is taken (Compose
//! merges several; that merge is not simulated) and `--env-file`/profiles are not simulated.

pub mod args;
pub mod check;
pub mod commands;
pub mod config;
pub mod convert;
pub mod interpolate;
pub mod job;
pub mod model;
pub mod schema;
pub mod yaml;

use super::error::DockerError;
use crate::sim::hostfs::normalise;
use crate::sim::{Record, World};
use std::collections::BTreeMap;
use yaml::{Node, Value};

/// Compose's default file names, in the order it looks for them (compose-go cli/options.go).
pub const DEFAULT_FILES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];

/// A project loaded from the folder, with the warnings Compose prints on the way.
#[derive(Clone, PartialEq, Debug)]
pub struct Loaded {
    pub project: model::Project,
    pub file: String,
    pub warnings: Vec<String>,
    /// Line and column of the node an error is about (for the narration), when known.
    pub position: Option<(u64, u64)>,
}

/// A load failure: Compose's message and, when known, where in the file.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LoadError {
    pub message: String,
    pub warnings: Vec<String>,
    pub position: Option<(u64, u64)>,
}

fn fail(message: String) -> LoadError {
    LoadError {
        message,
        warnings: Vec::new(),
        position: None,
    }
}

fn warn(text: impl AsRef<str>) -> String {
    format!("WARN[0000] {}", text.as_ref())
}

/// Substitutes variables in every string value (not in keys), depth first, with the path for
/// compose-go's error message.
fn interpolate_tree(
    node: &mut Node,
    path: &mut Vec<String>,
    vars: &BTreeMap<String, String>,
    unset: &mut Vec<String>,
) -> Result<(), LoadError> {
    match &mut node.value {
        Value::Str(text) => {
            *text = interpolate::substitute(text, vars, unset).map_err(|e| LoadError {
                message: e.message(&path.join(".")),
                warnings: Vec::new(),
                position: Some((node.pos.line, node.pos.column)),
            })?;
        }
        Value::Seq(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                path.push(i.to_string());
                interpolate_tree(item, path, vars, unset)?;
                path.pop();
            }
        }
        Value::Map(entries) => {
            for (k, v) in entries.iter_mut() {
                path.push(k.as_key());
                interpolate_tree(v, path, vars, unset)?;
                path.pop();
            }
        }
        _ => {}
    }
    Ok(())
}

/// Where the service a consistency error names (`service "web" …`, `… cycle detected: web -> …`)
/// is declared, for the narration.
fn service_position(doc: &Node, message: &str) -> Option<(u64, u64)> {
    let name = match message.strip_prefix("service \"") {
        Some(rest) => rest.split('"').next()?,
        None => message
            .strip_prefix("dependency cycle detected: ")?
            .split(" -> ")
            .next()?,
    };
    let Value::Map(entries) = &doc.get("services")?.value else {
        return None;
    };
    entries
        .iter()
        .find(|(k, _)| k.as_key() == name)
        .map(|(k, _)| (k.pos.line, k.pos.column))
}

/// Finds and loads the project: `file` from `-f` (else the default names in the current folder),
/// `project_name` from `-p`.
/// Long because it is compose-go's loading pipeline in order (find the file, read, parse,
/// interpolate, validate, name the project, build the model), each stage reporting its own error.
pub fn load(
    world: &World,
    file: Option<&str>,
    project_name: Option<&str>,
) -> Result<Loaded, LoadError> {
    let cwd = world.fs.cwd.clone();
    let mut warnings = Vec::new();
    let path = match file {
        Some(f) => {
            let p = normalise(&cwd, f);
            if world.fs.get(&p).is_none() {
                return Err(fail(format!("open {p}: no such file or directory")));
            }
            p
        }
        None => {
            let found: Vec<String> = DEFAULT_FILES
                .iter()
                .map(|n| normalise(&cwd, n))
                .filter(|p| world.fs.get(p).is_some())
                .collect();
            let Some(first) = found.first().cloned() else {
                return Err(fail("no configuration file provided: not found".into()));
            };
            if found.len() > 1 {
                warnings.push(warn(format!(
                    "Found multiple config files with supported names: {}",
                    found.join(", ")
                )));
                warnings.push(warn(format!("Using {first}")));
            }
            first
        }
    };
    let with_warnings = |mut e: LoadError, warnings: &Vec<String>| {
        let mut all = warnings.clone();
        all.append(&mut e.warnings);
        e.warnings = all;
        e
    };
    let text = world
        .fs
        .read(&path)
        .map_err(|e| with_warnings(fail(e), &warnings))?
        .to_string();
    let project_dir = match path.rfind('/') {
        Some(0) | None => "/".to_string(),
        Some(i) => path[..i].to_string(),
    };
    // compose-go: the shell's environment wins over the project's `.env`.
    let mut vars = world
        .fs
        .read(&normalise(&project_dir, ".env"))
        .map(interpolate::parse_env_file)
        .unwrap_or_default();
    vars.extend(world.shell.env.clone());

    let mut doc = yaml::parse(&text)
        // compose-go loader.go: `failed to parse %s: %w` around go-yaml's `yaml: line N: …`.
        .map_err(|e| {
            with_warnings(
                fail(format!("failed to parse {path}: yaml: {e}")),
                &warnings,
            )
        })?;
    match doc.value {
        Value::Map(_) => {}
        Value::Null => return Err(with_warnings(fail("empty compose file".into()), &warnings)),
        _ => {
            return Err(with_warnings(
                // compose-go loader.go returns it bare, without the file's name.
                fail("top-level object must be a mapping".to_string()),
                &warnings,
            ));
        }
    }
    if doc.get("version").is_some() {
        // docker/compose cmd/compose/compose.go (the wording users quote).
        warnings.push(warn(format!(
            "{path}: the attribute `version` is obsolete, it will be ignored, please remove it to avoid potential confusion"
        )));
    }
    let mut unset = Vec::new();
    interpolate_tree(&mut doc, &mut Vec::new(), &vars, &mut unset)
        .map_err(|e| with_warnings(e, &warnings))?;
    let mut seen = Vec::new();
    for name in unset {
        if !seen.contains(&name) {
            warnings.push(warn(format!(
                "The \"{name}\" variable is not set. Defaulting to a blank string."
            )));
            seen.push(name);
        }
    }
    if let Err(e) = schema::validate(&doc) {
        return Err(LoadError {
            message: format!("validating {path}: {}", e.message()),
            warnings,
            position: Some((e.pos.line, e.pos.column)),
        });
    }
    // -p, then COMPOSE_PROJECT_NAME, then `name:`, then the folder's name (normalised).
    let name = match project_name
        .map(str::to_string)
        .or_else(|| vars.get("COMPOSE_PROJECT_NAME").cloned())
        .or_else(|| doc.get("name").and_then(Node::scalar_text))
    {
        Some(n) => {
            model::check_project_name(&n).map_err(|e| with_warnings(fail(e), &warnings))?;
            n
        }
        None => {
            let folder = project_dir.rsplit('/').next().unwrap_or("");
            model::normalize_project_name(folder)
        }
    };
    let project = model::build(&doc, &name, &project_dir).map_err(|e| {
        let position = service_position(&doc, &e);
        let mut err = with_warnings(fail(e), &warnings);
        err.position = position;
        err
    })?;
    Ok(Loaded {
        project,
        file: path,
        warnings,
        position: None,
    })
}

/// `docker compose …` from the shell.
pub fn run(world: &mut World, words: &[String], rec: &mut Record) -> Result<(), DockerError> {
    let parsed = args::parse(words)?;
    match parsed.command.as_str() {
        "" => {
            rec.out(args::usage());
            Ok(())
        }
        "config" => config_command(world, &parsed, rec),
        "up" => commands::up(world, &parsed, rec),
        "down" => commands::down(world, &parsed, rec),
        "ps" => commands::ps(world, &parsed, rec),
        "logs" => commands::logs(world, &parsed, rec),
        "stop" => commands::stop(world, &parsed, rec),
        "start" => commands::start(world, &parsed, rec),
        "restart" => commands::restart(world, &parsed, rec),
        "exec" => commands::exec(world, &parsed, rec),
        "run" => commands::run(world, &parsed, rec),
        "ls" => commands::ls(world, &parsed, rec),
        "build" => commands::build(world, &parsed, rec),
        "pull" => commands::pull(world, &parsed, rec),
        c if args::not_simulated(c) => Err(DockerError::new(
            format!(
                "dockyard: `docker compose {c}` is real Compose but not simulated here; up, down, ps, logs, stop, start, restart, exec, run, build, pull, ls and config are"
            ),
            1,
        )),
        c => Err(DockerError::new(
            format!("unknown docker command: \"compose {c}\""),
            1,
        )),
    }
}

fn config_command(
    world: &World,
    args: &args::ComposeArgs,
    rec: &mut Record,
) -> Result<(), DockerError> {
    match load(world, args.file.as_deref(), args.project_name.as_deref()) {
        Ok(loaded) => {
            for w in &loaded.warnings {
                rec.err(w.clone());
            }
            let p = &loaded.project;
            if args.bool("services") {
                let names: Vec<&str> = p.services.keys().map(String::as_str).collect();
                rec.out(names.join("\n"));
            } else if args.bool("volumes") {
                let names: Vec<&str> = p.volumes.keys().map(String::as_str).collect();
                if !names.is_empty() {
                    rec.out(names.join("\n"));
                }
            } else if !args.bool("quiet") {
                rec.out(config::render(p).trim_end().to_string());
            }
            rec.say(format!(
                "Compose read {}, substituted the variables, checked every key against the Compose schema and printed the project `{}` in its long form: every short form expanded, relative paths made absolute, and the defaults it will use (the `default` network is `{}_default`).",
                loaded.file, p.name, p.name
            ));
            if !p.not_simulated.is_empty() {
                rec.say(format!(
                    "Valid but not simulated by Dockyard (kept as data): {}.",
                    p.not_simulated.join(", ")
                ));
            }
            Ok(())
        }
        Err(e) => {
            for w in &e.warnings {
                rec.err(w.clone());
            }
            if let Some((line, column)) = e.position.filter(|(l, _)| *l > 0) {
                rec.say(format!(
                    "Look at line {line}, column {column} of the file. Compose checks the whole file before doing anything, so nothing was created."
                ));
            } else {
                rec.say(
                    "Compose checks the whole file before doing anything, so nothing was created.",
                );
            }
            Err(DockerError::new(e.message, 1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<Loaded, LoadError> {
        let mut world = World::new(1);
        world
            .fs
            .write("/home/learner/app/compose.yaml", text, false)
            .unwrap();
        load(&world, None, None)
    }

    #[test]
    fn anchors_and_merge_keys_are_resolved() {
        let loaded = load_text(
            "x-common: &common\n  restart: always\n  environment: {TZ: UTC}\nservices:\n  web:\n    <<: *common\n    image: nginx\n",
        )
        .unwrap();
        let web = &loaded.project.services["web"];
        assert_eq!(web.restart.as_deref(), Some("always"));
        assert_eq!(web.environment["TZ"].as_deref(), Some("UTC"));
    }

    #[test]
    fn nasty_input_never_panics() {
        for text in [
            "",
            "\u{0}",
            "services: [",
            "services:\n  web:\n    image: ${",
            "services:\n  web:\n    image: ${A:-${B:-${C}}}\n",
            "services:\n  ü:\n    image: x\n",
            "services:\n  web:\n    image: x\n    ports: ['::::']\n",
            "services:\n  web:\n    image: x\n    ports: ['99999:1']\n",
            "services:\n  web:\n    image: x\n    volumes: ['a:b:c:d']\n",
            "services:\n  web:\n    image: x\n    command: \"unterminated 'quote\"\n",
            "a: &a [*a]\n",
            "services:\n  web: {image: x, depends_on: [web]}\n",
            "? [complex, key]\n: value\n",
            "services:\n  1: {image: x}\n",
        ] {
            let _ = load_text(text);
        }
    }

    #[test]
    fn self_dependency_is_a_cycle() {
        let e = load_text("services:\n  web: {image: x, depends_on: [web]}\n").unwrap_err();
        assert_eq!(e.message, "dependency cycle detected: web -> web");
    }

    #[test]
    fn consistency_errors_point_at_the_service() {
        let e = load_text("services:\n  web:\n    image: x\n    networks: [back]\n").unwrap_err();
        assert_eq!(e.position, Some((2, 3)));
    }

    #[test]
    fn empty_file() {
        assert_eq!(load_text("").unwrap_err().message, "empty compose file");
    }
}
