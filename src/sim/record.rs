//! What one step did, in words and in data.
//!
//! The narration is the "why" a learner needs ("nginx handles SIGQUIT: it finishes its requests
//! and exits 0"); the terminal lines are exactly what Docker would print; `touched` names the
//! objects the picture should highlight.

use super::time::Millis;

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

    pub fn prompt(&mut self, text: impl Into<String>) {
        self.terminal.push(TermLine {
            stream: Stream::Prompt,
            text: text.into(),
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
            });
        }
    }

    /// The terminal output as plain text (prompt lines included).
    pub fn terminal_text(&self) -> String {
        self.terminal
            .iter()
            .map(|l| match l.stream {
                Stream::Prompt => format!("$ {}", l.text),
                _ => l.text.clone(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}
