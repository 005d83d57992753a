//! `docker compose [-f FILE] [-p NAME] COMMAND [OPTIONS] [ARGS…]`: the command line.
//!
//! Real Compose is a cobra CLI plugin: global flags (`-f`, `-p`, `--project-directory`, …) come
//! before the subcommand, each subcommand has its own pflag set, and `exec`/`run` stop parsing
//! flags at the service name so the rest is the container's command. We parse the same way with
//! pflag's error wording. Flags real Compose has that Dockyard does not simulate are refused by
//! name rather than ignored.

use super::super::error::DockerError;

/// One subcommand's flags: (long name, shorthand, takes a value).
type Spec = &'static [(&'static str, Option<char>, bool)];

const UP: Spec = &[
    ("detach", Some('d'), false),
    ("build", None, false),
    ("no-build", None, false),
    ("force-recreate", None, false),
    ("no-recreate", None, false),
    ("no-deps", None, false),
    ("no-start", None, false),
    ("remove-orphans", None, false),
    ("wait", None, false),
    ("quiet-pull", None, false),
];
const DOWN: Spec = &[
    ("volumes", Some('v'), false),
    ("rmi", None, true),
    ("remove-orphans", None, false),
    ("timeout", Some('t'), true),
];
const PS: Spec = &[
    ("all", Some('a'), false),
    ("quiet", Some('q'), false),
    ("services", None, false),
    ("format", None, true),
];
const LOGS: Spec = &[
    ("follow", Some('f'), false),
    ("timestamps", Some('t'), false),
    ("tail", Some('n'), true),
    ("no-color", None, false),
    ("no-log-prefix", None, false),
];
const STOP: Spec = &[("timeout", Some('t'), true)];
const START: Spec = &[];
const EXEC: Spec = &[
    ("detach", Some('d'), false),
    ("no-TTY", Some('T'), false),
    ("interactive", Some('i'), false),
    ("tty", Some('t'), false),
    ("env", Some('e'), true),
];
const RUN: Spec = &[
    ("detach", Some('d'), false),
    ("rm", None, false),
    ("no-TTY", Some('T'), false),
    ("interactive", Some('i'), false),
    ("tty", Some('t'), false),
    ("env", Some('e'), true),
    ("no-deps", None, false),
    ("name", None, true),
];
const CONFIG: Spec = &[
    ("services", None, false),
    ("volumes", None, false),
    ("quiet", Some('q'), false),
];
const BUILD: Spec = &[
    ("no-cache", None, false),
    ("pull", None, false),
    ("quiet", Some('q'), false),
];
const PULL: Spec = &[
    ("quiet", Some('q'), false),
    ("ignore-buildable", None, false),
];
const LS: Spec = &[("all", Some('a'), false), ("quiet", Some('q'), false)];

/// The subcommands simulated, with their flags, and whether the first argument ends the flags.
fn spec(command: &str) -> Option<(Spec, bool)> {
    Some(match command {
        "up" => (UP, false),
        "down" => (DOWN, false),
        "ps" => (PS, false),
        "logs" => (LOGS, false),
        "stop" | "restart" => (STOP, false),
        "start" => (START, false),
        "exec" => (EXEC, true),
        "run" => (RUN, true),
        "config" => (CONFIG, false),
        "ls" => (LS, false),
        "build" => (BUILD, false),
        "pull" => (PULL, false),
        _ => return None,
    })
}

/// Subcommands real Compose has that are not simulated.
const NOT_SIMULATED: &[&str] = &[
    "create", "rm", "kill", "pause", "unpause", "top", "images", "port", "events", "cp", "push",
    "wait", "watch", "scale", "attach", "stats", "version", "alpha", "publish", "commit", "export",
    "volumes",
];

/// `docker compose …` as typed.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ComposeArgs {
    pub file: Option<String>,
    pub project_name: Option<String>,
    pub command: String,
    /// Flags by long name, in the order given (`-d` is stored as `detach`).
    pub flags: Vec<(String, String)>,
    /// Service names (or, for `exec`/`run`, the service then the command).
    pub args: Vec<String>,
}

impl ComposeArgs {
    pub fn has(&self, long: &str) -> bool {
        self.flags.iter().any(|(k, _)| k == long)
    }
    pub fn value(&self, long: &str) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(k, _)| k == long)
            .map(|(_, v)| v.as_str())
    }
    pub fn values(&self, long: &str) -> Vec<String> {
        self.flags
            .iter()
            .filter(|(k, _)| k == long)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

fn flag_error(message: String) -> DockerError {
    DockerError::new(message, 1)
}

pub fn not_simulated(command: &str) -> bool {
    NOT_SIMULATED.contains(&command)
}

pub fn parse(args: &[String]) -> Result<ComposeArgs, DockerError> {
    let mut out = ComposeArgs::default();
    let mut i = 0;
    // Global flags, before the subcommand.
    while i < args.len() && out.command.is_empty() {
        let a = args[i].as_str();
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with('-') => (f, Some(v.to_string())),
            _ => (a, None),
        };
        let long = match flag {
            "-f" | "--file" => Some("file"),
            "-p" | "--project-name" => Some("project-name"),
            _ => None,
        };
        if let Some(long) = long {
            let v = match inline {
                Some(v) => v,
                None => {
                    i += 1;
                    args.get(i).cloned().ok_or_else(|| {
                        flag_error(if flag.starts_with("--") {
                            format!("flag needs an argument: {flag}")
                        } else {
                            let c = &flag[1..];
                            format!("flag needs an argument: '{c}' in -{c}")
                        })
                    })?
                }
            };
            if long == "file" {
                if out.file.is_some() {
                    return Err(flag_error(
                        "dockyard: several -f files are merged by Compose; that merge is not simulated (use one file)".into(),
                    ));
                }
                out.file = Some(v);
            } else {
                out.project_name = Some(v);
            }
        } else if let Some(rest) = a
            .strip_prefix("-f")
            .filter(|r| !r.is_empty() && !a.starts_with("--"))
        {
            out.file = Some(rest.to_string());
        } else if let Some(rest) = a
            .strip_prefix("-p")
            .filter(|r| !r.is_empty() && !a.starts_with("--"))
        {
            out.project_name = Some(rest.to_string());
        } else if a.starts_with("--") {
            return Err(flag_error(format!("unknown flag: {flag}")));
        } else if a.starts_with('-') && a.len() > 1 {
            let c = a.chars().nth(1).unwrap_or('-');
            return Err(flag_error(format!("unknown shorthand flag: '{c}' in {a}")));
        } else {
            out.command = a.to_string();
        }
        i += 1;
    }
    let Some((flags, stop_at_first_arg)) = spec(&out.command) else {
        // Unknown or not simulated: the caller answers by name.
        return Ok(out);
    };
    let mut flags_done = false;
    while i < args.len() {
        let a = args[i].as_str();
        i += 1;
        if flags_done || !a.starts_with('-') || a == "-" {
            out.args.push(a.to_string());
            if stop_at_first_arg {
                flags_done = true;
            }
            continue;
        }
        if a == "--" {
            flags_done = true;
            continue;
        }
        if let Some(body) = a.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let Some(&(long, _, takes)) = flags.iter().find(|(l, _, _)| *l == name) else {
                return Err(flag_error(format!("unknown flag: --{name}")));
            };
            let value = if takes {
                match inline {
                    Some(v) => v,
                    None => {
                        let v = args.get(i).cloned().ok_or_else(|| {
                            flag_error(format!("flag needs an argument: --{name}"))
                        })?;
                        i += 1;
                        v
                    }
                }
            } else {
                String::new()
            };
            out.flags.push((long.to_string(), value));
            continue;
        }
        // Shorthands, combined (`-dT`), the last one may take a value (`-t5`, `-t 5`).
        let chars: Vec<char> = a[1..].chars().collect();
        let mut k = 0;
        while k < chars.len() {
            let c = chars[k];
            let Some(&(long, _, takes)) = flags.iter().find(|(_, s, _)| *s == Some(c)) else {
                return Err(flag_error(format!("unknown shorthand flag: '{c}' in {a}")));
            };
            if takes {
                let rest: String = chars[k + 1..].iter().collect();
                let value = if !rest.is_empty() {
                    rest.trim_start_matches('=').to_string()
                } else {
                    let v = args.get(i).cloned().ok_or_else(|| {
                        flag_error(format!("flag needs an argument: '{c}' in -{c}"))
                    })?;
                    i += 1;
                    v
                };
                out.flags.push((long.to_string(), value));
                break;
            }
            out.flags.push((long.to_string(), String::new()));
            k += 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn global_and_command_flags() {
        let a = parse(&words("-f x.yaml -pdemo up -d --build api")).unwrap();
        assert_eq!(a.file.as_deref(), Some("x.yaml"));
        assert_eq!(a.project_name.as_deref(), Some("demo"));
        assert_eq!(a.command, "up");
        assert!(a.has("detach") && a.has("build"));
        assert_eq!(a.args, vec!["api"]);
    }

    #[test]
    fn exec_stops_at_the_service() {
        let a = parse(&words("exec -T db psql -U postgres -c select")).unwrap();
        assert!(a.has("no-TTY"));
        assert_eq!(a.args, words("db psql -U postgres -c select"));
    }

    #[test]
    fn values_and_errors_in_pflag_words() {
        let a = parse(&words("stop -t5 api")).unwrap();
        assert_eq!(a.value("timeout"), Some("5"));
        let a = parse(&words("down --rmi=all -v")).unwrap();
        assert_eq!(a.value("rmi"), Some("all"));
        assert!(a.has("volumes"));
        assert_eq!(
            parse(&words("up --detached")).unwrap_err().message,
            "unknown flag: --detached"
        );
        assert_eq!(
            parse(&words("up -x")).unwrap_err().message,
            "unknown shorthand flag: 'x' in -x"
        );
        assert_eq!(
            parse(&words("logs --tail")).unwrap_err().message,
            "flag needs an argument: --tail"
        );
        assert_eq!(
            parse(&words("-f")).unwrap_err().message,
            "flag needs an argument: 'f' in -f"
        );
        assert_eq!(
            parse(&words("--file")).unwrap_err().message,
            "flag needs an argument: --file"
        );
    }
}
