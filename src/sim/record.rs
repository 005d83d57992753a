//! What one step did, in words and in data.
//!
//! The narration is the "why" a learner needs ("nginx handles SIGQUIT: it finishes its requests
//! and exits 0"); the terminal lines are exactly what Docker would print; `touched` names the
//! objects the picture should highlight. A prompt line also names the machine it was typed on
//! when the terminal has moved there with `ssh node-2` (the prompt reads `node-2 $ `).

use super::time::Millis;
use super::world::World;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Stream {
    /// The echoed prompt line (`$ docker ps`).
    Prompt,
    Stdout,
    Stderr,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TermLine {
    pub stream: Stream,
    pub text: String,
    /// On a prompt line, the machine the terminal was on when the line was typed, when that is
    /// not the lab's own terminal (after `ssh node-2`): see [`prompt_host`]. `None` otherwise.
    pub host: Option<String>,
}

impl TermLine {
    /// The prompt before a typed line: `$ `, or `node-2 $ ` on a machine the terminal moved to.
    pub fn ps1(host: Option<&str>) -> String {
        match host {
            Some(host) => format!("{host} $ "),
            None => "$ ".to_string(),
        }
    }
}

/// The machine a line typed now is typed on, as its prompt names it: `None` at the lab's own
/// terminal, the machine the terminal `ssh`ed to otherwise (`world.shell.hops` holds the way
/// back, `world.swarm.local` where it is).
pub fn prompt_host(world: &World) -> Option<String> {
    (!world.shell.hops.is_empty()).then(|| world.swarm.local.clone())
}

#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Record {
    pub at_ms: Millis,
    /// One line saying what happened: `$ docker stop web`, `web exited (0)`.
    pub title: String,
    /// Why it happened and what follows from it, in plain language.
    pub narration: Vec<String>,
    /// What the terminal prints at this step.
    pub terminal: Vec<TermLine>,
    /// Names of the objects this step changed, for the picture to highlight.
    pub touched: Vec<String>,
    /// The step was a learner's mistake answered with an error (nothing changed).
    pub error: bool,
}

impl Record {
    pub fn new(at_ms: Millis) -> Self {
        Record {
            at_ms,
            ..Record::default()
        }
    }

    pub fn say(&mut self, text: impl Into<String>) {
        self.narration.push(text.into());
    }

    pub fn out(&mut self, text: impl Into<String>) {
        self.push_lines(Stream::Stdout, text.into());
    }

    pub fn err(&mut self, text: impl Into<String>) {
        self.push_lines(Stream::Stderr, text.into());
    }

    /// The echoed prompt line, at the lab's own terminal (`$ docker ps`).
    pub fn prompt(&mut self, text: impl Into<String>) {
        self.prompt_on(None, text);
    }

    /// The echoed prompt line typed on `host` (`node-2 $ docker ps`), or at the lab's own
    /// terminal when `None`: pass [`prompt_host`] of the world the line is typed in.
    pub fn prompt_on(&mut self, host: Option<String>, text: impl Into<String>) {
        self.terminal.push(TermLine {
            stream: Stream::Prompt,
            text: text.into(),
            host,
        });
    }

    pub fn touch(&mut self, name: impl Into<String>) {
        let name = name.into();
        if !self.touched.contains(&name) {
            self.touched.push(name);
        }
    }

    fn push_lines(&mut self, stream: Stream, text: String) {
        for line in text.split('\n') {
            self.terminal.push(TermLine {
                stream,
                text: line.to_string(),
                host: None,
            });
        }
    }

    /// The terminal output as plain text (prompt lines included).
    pub fn terminal_text(&self) -> String {
        self.terminal
            .iter()
            .map(|l| match l.stream {
                Stream::Prompt => format!("{}{}", TermLine::ps1(l.host.as_deref()), l.text),
                _ => l.text.clone(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prompt_line_names_the_machine_the_terminal_moved_to() {
        let mut r = Record::new(0);
        r.prompt("ssh node-2");
        r.out("Welcome");
        r.prompt_on(Some("node-2".to_string()), "docker ps");
        r.prompt_on(None, "exit");
        assert_eq!(
            r.terminal_text(),
            "$ ssh node-2\nWelcome\nnode-2 $ docker ps\n$ exit"
        );
    }

    #[test]
    fn the_prompt_host_is_none_at_the_labs_own_terminal() {
        let mut w = World::new(1);
        super::super::swarm::setup::form(&mut w, 1, 2);
        assert_eq!(prompt_host(&w), None);
        w.shell.hops.push(w.swarm.local.clone());
        w.swarm.local = "node-2".to_string();
        assert_eq!(prompt_host(&w).as_deref(), Some("node-2"));
    }
}
