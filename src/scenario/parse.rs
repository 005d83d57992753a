//! The transcript grammar.
//!
//! ```text
//! # Title of the scenario                (first `#` line; later ones are comments)
//! page: containers-lifecycle             (the page it belongs to)
//! setup: host seed=7 project=node-app    (the starting world; seed defaults to 1, and the
//!                                         project folder starts empty unless a template is named)
//! > Narration shown before the next step.
//! $ docker run -d --name web nginx       (a command; `<<EOF` … `EOF` continues it)
//! ! crash web 1                          (a fault: crash NAME [CODE], oom NAME, busy NAME, reboot)
//! wait 30s                               (let simulated time pass)
//! expect: container web is running       (holds right here)
//! expect eventually: container web is exited   (holds at some step from here on)
//! expect always: port 8080 serves web    (holds at every step from here on)
//! ```
//! Blank lines are ignored. Any other line is an error that names its line number.
//!
//! A challenge (a phase checkpoint, a practice-project mission) is a transcript with goals but
//! no steps to reach them: what comes before `solution:` builds its starting world, `goal:` lines
//! are what the reader must reach from there with their own commands, `hint:` lines are given one
//! at a time on demand, `debrief:` lines are read once every goal is met, and the steps after
//! `solution:` are the reference solution (played when the reader asks for it, and by the tests).
//! ```text
//! continues: mission-1                   (start where that challenge's solution ends)
//! goal: service shop_api running 2/2     (holds at the step shown; solved when all hold at once)
//! goal always: traffic had no failures   (to keep from the start on: a reader can rewind)
//! hint: Look at `docker service ps shop_api`.
//! debrief: Page 8 shows why …
//! solution:
//! $ docker service scale shop_api=2
//! ```

use crate::sim::check::Check;
use crate::sim::input::Fault;

/// Project folders a scenario can start with (see `sim::hostfs`).
pub const PROJECT_TEMPLATES: &[&str] = &["node-app", "compose-app", "shop", "empty"];
use crate::sim::time::{self, Millis};

/// The longest `wait` a transcript may ask for: 366 days.
pub const MAX_WAIT_MS: u64 = 366 * time::DAY_MS;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    /// `expect:` holds at this point of the transcript.
    Now,
    /// `expect eventually:` holds at some step from here to the end.
    Eventually,
    /// `expect always:` holds at every step from here to the end.
    Always,
    /// A challenge's `goal:`: holds at the step shown. A challenge is solved when all its goals
    /// hold at once (a state, not a story: "the API answers while node-1 is down").
    Live,
}

#[derive(Clone, PartialEq, Debug)]
pub struct Expect {
    pub mode: Mode,
    pub check: Check,
    /// The sentence as written, for display.
    pub text: String,
}

#[derive(Clone, PartialEq, Debug)]
pub enum Action {
    Narrate(String),
    Command(String),
    Fault(Fault),
    Wait(Millis),
    Expect(Expect),
}

#[derive(Clone, PartialEq, Debug)]
pub struct Scenario {
    pub title: String,
    pub page: String,
    pub seed: u64,
    /// The project folder's starting content (`setup: host project=node-app`).
    pub project: Option<String>,
    /// `setup: swarm managers=3 workers=2`: a lab of machines already formed into a swarm.
    pub swarm: Option<SwarmSetup>,
    /// Each action with the (1-based) line it starts on.
    pub actions: Vec<(usize, Action)>,
    /// Set when the file is a challenge (it has a `solution:` line).
    pub challenge: Option<Challenge>,
}

/// What makes a transcript a challenge: the reader reaches its goals with their own commands.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct Challenge {
    /// `actions[..solution_at]` build the starting world and end with the goals (as `expect
    /// eventually:` anchored at the start); `actions[solution_at..]` are the reference solution.
    pub solution_at: usize,
    /// Given one at a time, in order.
    pub hints: Vec<String>,
    /// Read once every goal is met: what the challenge exercised and where the path teaches it.
    pub debrief: Vec<String>,
    /// `continues: SLUG`: the starting world is where that challenge's solution ends (the
    /// catalogue resolves it; see [`Scenario::continuing`]).
    pub continues: Option<String>,
}

impl Scenario {
    /// A challenge's starting world and its goals, without the solution.
    pub fn challenge_start(&self) -> Scenario {
        let mut start = self.clone();
        if let Some(c) = &self.challenge {
            start.actions.truncate(c.solution_at);
        }
        start
    }

    /// This challenge started where `before` (a challenge, played with its solution) ends: its
    /// setup and commands come first, without its narration and goals, which were its own.
    pub fn continuing(&self, before: &Scenario) -> Scenario {
        let prelude: Vec<(usize, Action)> = before
            .actions
            .iter()
            .filter(|(_, a)| !matches!(a, Action::Narrate(_) | Action::Expect(_)))
            .cloned()
            .collect();
        let mut joined = self.clone();
        joined.seed = before.seed;
        joined.project = before.project.clone();
        joined.swarm = before.swarm;
        if let Some(c) = joined.challenge.as_mut() {
            c.solution_at += prelude.len();
            c.continues = None;
        }
        joined.actions = prelude;
        joined.actions.extend(self.actions.iter().cloned());
        joined
    }
}

/// The machines of a swarm lab: `node-1`… are the managers, then the workers.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SwarmSetup {
    pub managers: usize,
    pub workers: usize,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ScenarioError {
    pub line: usize,
    /// 1-based, in characters: where on the line the mistake starts (the line's first
    /// character when the whole line is wrong).
    pub column: usize,
    pub message: String,
}

impl ScenarioError {
    /// An error about a whole line (or the whole file, at line 1).
    pub fn at_line(line: usize, message: String) -> ScenarioError {
        ScenarioError {
            line,
            column: 1,
            message,
        }
    }
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}:{}: {}", self.line, self.column, self.message)
    }
}

impl Scenario {
    /// Long because it is one pass over the transcript with one short arm per kind of line
    /// (headers, narration, commands, faults, waits, expectations), which reads best in file
    /// order.
    pub fn parse(text: &str) -> Result<Scenario, ScenarioError> {
        let mut title: Option<String> = None;
        let mut page = String::new();
        let mut seed = 1;
        let mut project = None;
        let mut swarm: Option<SwarmSetup> = None;
        let mut actions = Vec::new();
        let mut challenge: Option<Challenge> = None;
        let mut goals: Vec<(usize, Action)> = Vec::new();
        let mut hints = Vec::new();
        let mut debrief = Vec::new();
        let mut continues = None;
        let lines: Vec<&str> = text.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            let number = i + 1;
            let line = lines[i].trim_end();
            let trimmed = line.trim_start();
            i += 1;
            let indent = line.chars().count() - trimmed.chars().count();
            let err = |message: String| ScenarioError {
                line: number,
                column: indent + 1,
                message,
            };
            if trimmed.is_empty() {
                continue;
            }
            if let Some(rest) = trimmed.strip_prefix('#') {
                if title.is_none() {
                    title = Some(rest.trim().to_string());
                }
                continue;
            }
            if let Some(rest) = trimmed.strip_prefix("page:") {
                page = rest.trim().to_string();
            } else if let Some((mode, rest)) = trimmed
                .strip_prefix("goal:")
                .map(|r| (Mode::Live, r))
                .or_else(|| {
                    trimmed
                        .strip_prefix("goal always:")
                        .map(|r| (Mode::Always, r))
                })
            {
                if challenge.is_some() {
                    return Err(err("a `goal:` belongs before `solution:`".to_string()));
                }
                let check = Check::parse(rest).map_err(|e| err(e.0))?;
                goals.push((
                    number,
                    Action::Expect(Expect {
                        mode,
                        check,
                        text: rest.trim().to_string(),
                    }),
                ));
            } else if let Some(rest) = trimmed.strip_prefix("hint:") {
                hints.push(rest.trim().to_string());
            } else if let Some(rest) = trimmed.strip_prefix("debrief:") {
                debrief.push(rest.trim().to_string());
            } else if let Some(rest) = trimmed.strip_prefix("continues:") {
                continues = Some(rest.trim().to_string());
            } else if trimmed == "solution:" {
                if challenge.is_some() {
                    return Err(err("a challenge has one `solution:`".to_string()));
                }
                if goals.is_empty() {
                    return Err(err(
                        "a challenge needs a `goal:` before `solution:`".to_string()
                    ));
                }
                // The goals are anchored where the starting world is complete.
                actions.append(&mut goals);
                challenge = Some(Challenge {
                    solution_at: actions.len(),
                    ..Challenge::default()
                });
            } else if let Some(rest) = trimmed.strip_prefix("setup:") {
                let mut words = rest.split_whitespace();
                match words.next() {
                    Some("host") => {}
                    Some("swarm") => {
                        swarm = Some(SwarmSetup {
                            managers: 1,
                            workers: 0,
                        })
                    }
                    Some(other) => {
                        return Err(err(format!(
                            "unknown setup `{other}` (this version knows `host` and `swarm`)"
                        )));
                    }
                    None => {
                        return Err(err(
                            "`setup:` needs a kind, e.g. `setup: host seed=7`".to_string()
                        ));
                    }
                }
                for word in words {
                    match word.split_once('=') {
                        Some(("project", value)) => {
                            if !PROJECT_TEMPLATES.contains(&value) {
                                return Err(err(format!(
                                    "unknown project `{value}` (try {})",
                                    PROJECT_TEMPLATES.join(", ")
                                )));
                            }
                            project = Some(value.to_string());
                        }
                        Some((key @ ("managers" | "workers"), value)) if swarm.is_some() => {
                            let n: usize = value
                                .parse()
                                .ok()
                                .filter(|n| (1..=9).contains(n) || (key == "workers" && *n == 0))
                                .ok_or_else(|| {
                                    err(format!(
                                        "{key} must be a number from {} to 9, got `{value}`",
                                        if key == "workers" { 0 } else { 1 }
                                    ))
                                })?;
                            if let Some(setup) = swarm.as_mut() {
                                if key == "managers" {
                                    setup.managers = n;
                                } else {
                                    setup.workers = n;
                                }
                            }
                        }
                        Some(("seed", value)) => {
                            seed = value.parse().map_err(|_| {
                                err(format!("seed must be a whole number, got `{value}`"))
                            })?;
                        }
                        _ => return Err(err(format!("unknown setup option `{word}`"))),
                    }
                }
            } else if let Some(rest) = trimmed.strip_prefix('>') {
                actions.push((number, Action::Narrate(rest.trim().to_string())));
            } else if let Some(rest) = trimmed.strip_prefix('$') {
                let mut command = rest.trim().to_string();
                if command.is_empty() {
                    return Err(err("`$` needs a command".to_string()));
                }
                // A here-document continues until its delimiter line.
                if let Some(pos) = command.find("<<") {
                    let delimiter = command[pos + 2..]
                        .trim()
                        .trim_start_matches('-')
                        .trim_matches(|c| c == '\'' || c == '"')
                        .to_string();
                    if delimiter.is_empty() {
                        return Err(err(
                            "a here-document needs a delimiter, e.g. <<EOF".to_string()
                        ));
                    }
                    loop {
                        let Some(body) = lines.get(i) else {
                            return Err(err(format!(
                                "here-document not closed: no `{delimiter}` line"
                            )));
                        };
                        i += 1;
                        command.push('\n');
                        command.push_str(body);
                        if body.trim() == delimiter {
                            break;
                        }
                    }
                }
                actions.push((number, Action::Command(command)));
            } else if let Some(rest) = trimmed.strip_prefix('!') {
                let fault = Fault::parse(rest.trim()).map_err(err)?;
                actions.push((number, Action::Fault(fault)));
            } else if let Some(rest) = trimmed.strip_prefix("wait ") {
                // `wait 61d`: days, for certificates and backups (Go durations stop at hours).
                let days = rest
                    .trim()
                    .strip_suffix('d')
                    .and_then(|n| n.parse::<u64>().ok())
                    .map(|n| n.saturating_mul(time::DAY_MS));
                let duration = days
                    .or_else(|| time::parse_duration(rest.trim()))
                    .ok_or_else(|| {
                        err(format!(
                            "`{}` is not a duration (try 30s, 1m30s, 500ms, 2d)",
                            rest.trim()
                        ))
                    })?;
                // Every quiet event in a wait runs (a heartbeat, a traffic tick): an endless wait
                // in a link would hang the page. A year covers every renewal and rotation.
                if duration > MAX_WAIT_MS {
                    return Err(err(format!(
                        "`wait {}` is too long: at most 366d",
                        rest.trim()
                    )));
                }
                actions.push((number, Action::Wait(duration)));
            } else if let Some(rest) = trimmed.strip_prefix("expect") {
                let (mode, sentence) = if let Some(s) = rest.strip_prefix(':') {
                    (Mode::Now, s)
                } else if let Some(s) = rest.strip_prefix(" eventually:") {
                    (Mode::Eventually, s)
                } else if let Some(s) = rest.strip_prefix(" always:") {
                    (Mode::Always, s)
                } else {
                    return Err(err(
                        "write `expect:`, `expect eventually:` or `expect always:`".to_string(),
                    ));
                };
                // The column of the check itself, after `expect…:` and its spaces.
                let column =
                    indent + (trimmed.chars().count() - sentence.trim_start().chars().count()) + 1;
                let check = Check::parse(sentence).map_err(|e| ScenarioError {
                    line: number,
                    column,
                    message: e.0,
                })?;
                actions.push((
                    number,
                    Action::Expect(Expect {
                        mode,
                        check,
                        text: sentence.trim().to_string(),
                    }),
                ));
            } else {
                return Err(err(format!(
                    "cannot read `{trimmed}`: a line starts with #, >, $, !, wait, expect, page:, setup:, goal:, hint:, debrief:, continues: or solution:"
                )));
            }
        }
        let title = title.ok_or(ScenarioError::at_line(
            1,
            "the first line must be `# Title`".to_string(),
        ))?;
        if let Some((line, _)) = goals.first() {
            return Err(ScenarioError::at_line(
                *line,
                "a `goal:` needs a `solution:` after it (or write `expect eventually:`)"
                    .to_string(),
            ));
        }
        if let Some(c) = challenge.as_mut() {
            c.hints = hints;
            c.debrief = debrief;
            c.continues = continues;
        } else if !hints.is_empty() || !debrief.is_empty() || continues.is_some() {
            return Err(ScenarioError::at_line(
                1,
                "`hint:`, `debrief:` and `continues:` belong to a challenge (a file with `solution:`)"
                    .to_string(),
            ));
        }
        Ok(Scenario {
            title,
            page,
            seed,
            project,
            swarm,
            actions,
            challenge,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind_of_line() {
        let s = Scenario::parse(
            "# Demo\npage: containers-lifecycle\nsetup: host seed=7\n> Hello\n$ docker ps\n! crash web\nwait 2s\nexpect eventually: container web is exited\n",
        )
        .unwrap();
        assert_eq!(s.title, "Demo");
        assert_eq!(s.seed, 7);
        assert_eq!(s.actions.len(), 5);
        assert_eq!(s.actions[1], (5, Action::Command("docker ps".into())));
        assert_eq!(s.actions[3], (7, Action::Wait(2000)));
    }

    #[test]
    fn here_documents_continue_the_command() {
        let s = Scenario::parse("# T\n$ cat > f <<EOF\nline one\nEOF\n$ docker ps\n").unwrap();
        assert_eq!(
            s.actions[0].1,
            Action::Command("cat > f <<EOF\nline one\nEOF".into())
        );
        assert_eq!(s.actions[1].0, 5);
    }

    #[test]
    fn a_challenge_keeps_its_goals_at_the_start_and_its_solution_apart() {
        let s = Scenario::parse(
            "# C\nsetup: host\n$ docker run -d --name a nginx\ngoal: container b is running\nhint: run it\ndebrief: done\nsolution:\n$ docker run -d --name b nginx\n",
        )
        .unwrap();
        let c = s.challenge.clone().unwrap();
        assert_eq!(c.solution_at, 2);
        assert_eq!((c.hints.len(), c.debrief.len()), (1, 1));
        assert!(matches!(&s.actions[1].1, Action::Expect(e) if e.mode == Mode::Live));
        assert_eq!(s.challenge_start().actions.len(), 2);
        let next = Scenario::parse(
            "# D\ncontinues: c\ngoal: container c is running\nsolution:\n$ docker run -d --name c nginx\n",
        )
        .unwrap();
        let joined = next.continuing(&s);
        // a's and b's commands, then D's goal and its solution.
        assert_eq!(joined.actions.len(), 4);
        assert_eq!(joined.challenge.unwrap().solution_at, 3);
    }

    #[test]
    fn challenge_lines_out_of_place_are_errors() {
        let e = Scenario::parse("# T\ngoal: container a is running\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = Scenario::parse("# T\nsolution:\n").unwrap_err();
        assert!(e.message.contains("needs a `goal:`"));
        let e = Scenario::parse("# T\nhint: x\n$ docker ps\n").unwrap_err();
        assert!(e.message.contains("belong to a challenge"));
        let e = Scenario::parse(
            "# T\ngoal: container a is running\nsolution:\ngoal: container b is running\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 4);
    }

    #[test]
    fn errors_name_the_line() {
        let e = Scenario::parse("# T\n$ docker ps\nexplode now\n").unwrap_err();
        assert_eq!(e.line, 3);
        let e = Scenario::parse("# T\nwait 367d\n").unwrap_err();
        assert!(
            e.to_string()
                .contains("`wait 367d` is too long: at most 366d"),
            "{e}"
        );
        let e = Scenario::parse("# T\nwait 99999999999999999d\n").unwrap_err();
        assert!(e.to_string().contains("too long"), "{e}");
        assert!(Scenario::parse("# T\nwait 366d\n").is_ok());
        let e = Scenario::parse("# T\nwait soon\n").unwrap_err();
        assert_eq!((e.line, e.message.contains("not a duration")), (2, true));
        let e = Scenario::parse("# T\nexpect: the moon is full\n").unwrap_err();
        assert_eq!(e.line, 2);
    }
}
