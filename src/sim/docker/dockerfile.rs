//! The Dockerfile parser: text in, instructions with their line numbers out.
//!
//! What BuildKit does (moby/buildkit `frontend/dockerfile/parser`): a line ending in `\` continues
//! on the next; lines starting with `#` are comments (parser directives such as `# syntax=` at the
//! very top too, which we ignore); the first word is the instruction, case-insensitive; arguments
//! in JSON array form (`["node", "server.js"]`) are exec form, anything else shell form. An unknown
//! word fails with `dockerfile parse error on line N: unknown instruction: WORD`, with BuildKit's
//! `(did you mean RUN?)` hint when a known instruction is close; the CLI then prints the lines
//! around N with `>>>` marking the culprit.
//!
//! What we simplify: no `ONBUILD`, `SHELL` or heredocs inside the Dockerfile; variables are
//! expanded by the build engine (build.rs), not here. We do not use the `parse-dockerfile` crate:
//! its errors carry no BuildKit wording, and this parser is small.

/// One instruction as written.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Instruction {
    /// 1-based line where the instruction starts.
    pub line: usize,
    /// Upper-case keyword (`RUN`).
    pub keyword: String,
    /// `--from=build`, `--chown=node` …: flags before the arguments.
    pub flags: Vec<(String, String)>,
    /// The arguments after the keyword and flags, continuation lines joined by a space.
    pub args: String,
    /// The exec form's words, when the arguments are a JSON array.
    pub json: Option<Vec<String>>,
}

impl Instruction {
    /// `RUN npm ci`, as BuildKit prints a step.
    pub fn text(&self) -> String {
        let mut text = self.keyword.clone();
        for (name, value) in &self.flags {
            text.push_str(&format!(" --{name}={value}"));
        }
        if !self.args.is_empty() {
            text.push(' ');
            text.push_str(&self.args);
        }
        text
    }

    pub fn flag(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Shell-form words split on whitespace (for COPY/ADD/EXPOSE/…), or the JSON words.
    pub fn words(&self) -> Vec<String> {
        match &self.json {
            Some(words) => words.clone(),
            None => self.args.split_whitespace().map(str::to_string).collect(),
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

pub const INSTRUCTIONS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// Levenshtein distance, for BuildKit's "did you mean" hint.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn suggestion(word: &str) -> Option<String> {
    let upper = word.to_ascii_uppercase();
    let (best, d) = INSTRUCTIONS
        .iter()
        .map(|i| (*i, distance(&upper, i)))
        .min_by_key(|(_, d)| *d)?;
    // buildkit util/suggest: close enough when at most a third of the letters differ.
    if d == 0 || d > 2 || d * 3 > upper.len().max(3) {
        return None;
    }
    Some(if word.chars().any(|c| c.is_ascii_lowercase()) {
        best.to_ascii_lowercase()
    } else {
        best.to_string()
    })
}

/// Parses a Dockerfile.
pub fn parse(text: &str) -> Result<Vec<Instruction>, ParseError> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let raw = lines[i].trim_end_matches('\r');
        let start = i + 1;
        i += 1;
        let trimmed = raw.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        // Join continuation lines; comment and blank lines inside are skipped.
        let mut logical = String::new();
        let mut current = trimmed.trim_end().to_string();
        loop {
            if let Some(stripped) = current.strip_suffix('\\') {
                logical.push_str(stripped.trim_end());
                logical.push(' ');
                let mut next = None;
                while i < lines.len() {
                    let l = lines[i].trim_end_matches('\r');
                    i += 1;
                    let t = l.trim();
                    if t.is_empty() || t.starts_with('#') {
                        continue;
                    }
                    next = Some(t.to_string());
                    break;
                }
                match next {
                    Some(n) => current = n,
                    None => {
                        current = String::new();
                        break;
                    }
                }
            } else {
                logical.push_str(&current);
                break;
            }
        }
        let logical = logical.trim().to_string();
        let (word, rest) = match logical.split_once(char::is_whitespace) {
            Some((w, r)) => (w.to_string(), r.trim().to_string()),
            None => (logical.clone(), String::new()),
        };
        let keyword = word.to_ascii_uppercase();
        if !INSTRUCTIONS.contains(&keyword.as_str()) {
            let hint = suggestion(&word)
                .map(|s| format!(" (did you mean {s}?)"))
                .unwrap_or_default();
            return Err(ParseError {
                line: start,
                message: format!("unknown instruction: {word}{hint}"),
            });
        }
        // Flags (`--from=build`) come first, for the instructions that take them.
        let mut flags = Vec::new();
        let mut args = rest.as_str();
        if matches!(
            keyword.as_str(),
            "COPY" | "ADD" | "FROM" | "RUN" | "HEALTHCHECK"
        ) {
            while let Some(f) = args.strip_prefix("--") {
                let (flag, tail) = match f.split_once(char::is_whitespace) {
                    Some((flag, tail)) => (flag, tail.trim_start()),
                    None => (f, ""),
                };
                let (name, value) = flag.split_once('=').unwrap_or((flag, ""));
                flags.push((name.to_string(), value.to_string()));
                args = tail;
            }
        }
        let args = args.to_string();
        let json = if args.starts_with('[') {
            serde_json::from_str::<Vec<String>>(&args).ok()
        } else {
            None
        };
        let instruction = Instruction {
            line: start,
            keyword: keyword.clone(),
            flags,
            args,
            json,
        };
        validate(&instruction)?;
        out.push(instruction);
    }
    Ok(out)
}

/// The argument checks BuildKit's instruction parser makes (`instructions/parse.go`).
fn validate(ins: &Instruction) -> Result<(), ParseError> {
    let err = |message: String| {
        Err(ParseError {
            line: ins.line,
            message,
        })
    };
    let words = ins.words();
    match ins.keyword.as_str() {
        "CMD" | "ENTRYPOINT" | "SHELL" => Ok(()),
        "COPY" | "ADD" if words.len() < 2 => err(format!(
            "{} requires at least two arguments, but only one was provided. Destination could not be determined",
            ins.keyword
        )),
        _ if words.is_empty() && ins.keyword != "HEALTHCHECK" => {
            err(format!("{} requires at least one argument", ins.keyword))
        }
        "HEALTHCHECK" if words.is_empty() => {
            err("HEALTHCHECK requires at least one argument".to_string())
        }
        "FROM"
            if !(words.len() == 1 || (words.len() == 3 && words[1].eq_ignore_ascii_case("as"))) =>
        {
            err("FROM requires either one or three arguments".to_string())
        }
        "ENV" if words.len() == 1 && !words[0].contains('=') => {
            err("ENV must have two arguments".to_string())
        }
        _ => Ok(()),
    }
}

/// The lines around `line`, as the CLI prints a build error's location.
pub fn excerpt(file_name: &str, text: &str, line: usize) -> String {
    let lines: Vec<&str> = text.trim_end_matches('\n').split('\n').collect();
    let from = line.saturating_sub(2).max(1);
    let to = (line + 2).min(lines.len().max(line));
    let mut out = vec![format!("{file_name}:{line}"), "-".repeat(20)];
    for n in from..=to {
        let content = lines.get(n - 1).copied().unwrap_or("");
        let mark = if n == line { ">>> " } else { "    " };
        out.push(format!("{n:>4} | {mark}{content}").trim_end().to_string());
    }
    out.push("-".repeat(20));
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuations_comments_and_forms() {
        let text = "# syntax=docker/dockerfile:1\nFROM node:20 AS build\n# a comment\nRUN apt-get update && \\\n    # inner comment\n    apt-get install -y curl\nCOPY --from=build /app/dist ./dist\nCMD [\"node\", \"server.js\"]\n";
        let ins = parse(text).unwrap();
        assert_eq!(ins.len(), 4);
        assert_eq!(ins[0].line, 2);
        assert_eq!(ins[1].keyword, "RUN");
        assert_eq!(ins[1].args, "apt-get update && apt-get install -y curl");
        assert_eq!(ins[1].line, 4);
        assert_eq!(ins[2].flag("from"), Some("build"));
        assert_eq!(ins[2].args, "/app/dist ./dist");
        assert_eq!(
            ins[3].json,
            Some(vec!["node".to_string(), "server.js".to_string()])
        );
    }

    #[test]
    fn unknown_instructions_name_the_line_like_buildkit() {
        let e = parse("FROM node:20\nWORKDIR /app\nADDD . .\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert_eq!(e.message, "unknown instruction: ADDD (did you mean ADD?)");
        let e = parse("FROM x\nservices:\n").unwrap_err();
        assert_eq!(e.message, "unknown instruction: services:");
        let e = parse("FROM x\nCOPY --\n").unwrap_err();
        assert!(
            e.message
                .starts_with("COPY requires at least two arguments")
        );
    }

    #[test]
    fn excerpt_marks_the_line() {
        let text = "FROM node:latest\nWORKDIR /app\nADDD . .\nRUN npm install\nCMD node index.js\n";
        assert_eq!(
            excerpt("Dockerfile", text, 3),
            "Dockerfile:3\n--------------------\n   1 |     FROM node:latest\n   2 |     WORKDIR /app\n   3 | >>> ADDD . .\n   4 |     RUN npm install\n   5 |     CMD node index.js\n--------------------"
        );
    }
}
