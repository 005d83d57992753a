//! The one flag layer: every simulated command line is parsed here.
//!
//! Real Docker's CLIs (docker/cli, the Compose plugin) are cobra
//! commands with pflag flag sets: long flags `--name web` or `--name=web`, shorthands `-p 8080:80`,
//! `-p8080:80` or `-p=8080:80`, boolean shorthands combined (`-dit`), `--flag=false` for booleans,
//! `--` ends the flags, a repeated flag keeps every value (slices) or the last (scalars), and
//! `--help`/`-h` prints the command's usage. Commands that run another program (`docker run IMAGE
//! CMD…`, `docker exec`, `docker service create IMAGE CMD…`, `compose exec SERVICE CMD…`) stop
//! parsing flags at their first positional argument ("interspersed" off).
//!
//! Errors are pflag's words (`unknown flag: --foo`, `unknown shorthand flag: 'x' in -xd`, `flag
//! needs an argument: --name`, `invalid argument "x" for "--detach" flag: …`) wrapped the way each
//! CLI wraps them: docker/cli's `FlagErrorFunc` adds the usage line and `Run 'docker run --help'
//! for more information` and exits 125; Compose's returns pflag's words alone with exit 16
//! (`CommandSyntaxFailure`). Wrong argument counts use docker/cli's `cli/required.go` words and
//! exit 1. Multipass (a Qt program, not cobra) uses the same layer with `QCommandLineParser`'s
//! words and exit 1 ([`Style::Multipass`]), so every simulated CLI parses in one place.
//!
//! Simplified: `--help` lists each flag with its value type but not cobra's description column;
//! flags Docker has that Dockyard does not simulate are refused by name (never silently
//! ignored), so a command either does what Docker does or says it is not simulated.
//!
//! A leaf: it knows nothing of the world, only words in and a [`Parsed`] (or an error) out.

use crate::sim::docker::error::DockerError;

/// One flag a command accepts.
#[derive(Clone, Copy, Debug)]
pub struct Flag {
    pub long: &'static str,
    pub short: Option<char>,
    /// `None` for a boolean; otherwise the value's type as cobra's help shows it (`string`,
    /// `int`, `duration`, `list`, …).
    pub value: Option<&'static str>,
}

impl Flag {
    /// A boolean flag (`--detach`, `-d`, `--detach=false`).
    pub const fn bool(long: &'static str, short: Option<char>) -> Flag {
        Flag {
            long,
            short,
            value: None,
        }
    }
    /// A flag that takes a string value.
    pub const fn string(long: &'static str, short: Option<char>) -> Flag {
        Flag::typed(long, short, "string")
    }
    /// A flag that takes a value of the named type (only the help text shows the type).
    pub const fn typed(long: &'static str, short: Option<char>, kind: &'static str) -> Flag {
        Flag {
            long,
            short,
            value: Some(kind),
        }
    }
}

/// How many positional arguments a command takes (docker/cli `cli/required.go`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arity {
    Any,
    None,
    AtLeast(usize),
    Exactly(usize),
    Between(usize, usize),
}

/// Whose conventions wrap the errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// docker/cli: usage line and `Run '… --help'`, exit 125 for flag errors.
    Docker,
    /// The Compose plugin: pflag's words alone, exit 16.
    Compose,
    /// Multipass, a Qt program: `QCommandLineParser`'s words (`Unknown option 'x'.`, `Missing
    /// value after 'name'.`) alone, exit 1 (multipass `ReturnCode::CommandLineError`). The forms
    /// accepted are pflag's; Qt's own differences (`--purge=false` is an error there) are not
    /// modelled.
    Multipass,
    /// curl (`src/tool_getparam.c`, `tool_helpers.c`): `curl: option --foo: is unknown` and
    /// `curl: try 'curl --help' or 'curl --manual' for more information`, exit 2
    /// (`CURLE_FAILED_INIT`). pflag's forms are accepted; curl's own `--flag value`-only
    /// parsing is close enough for the options simulated.
    Curl,
}

/// One command: what cobra knows about it.
#[derive(Clone, Copy, Debug)]
pub struct Command {
    /// The command path as typed: `docker service create`.
    pub path: &'static str,
    /// The whole usage line: `docker service create [OPTIONS] IMAGE [COMMAND] [ARG...]`.
    pub usage: &'static str,
    /// The short description under the usage line.
    pub about: &'static str,
    pub flags: &'static [Flag],
    /// Real flags this simulation does not model: refused with an honest message.
    pub not_simulated: &'static [(&'static str, Option<char>)],
    /// `false`: the first positional argument ends the flags (the rest is a command line).
    pub interspersed: bool,
    pub args: Arity,
    pub style: Style,
}

impl Command {
    /// A docker/cli command with no unsimulated flags, interspersed flags and any arguments.
    pub const fn docker(
        path: &'static str,
        usage: &'static str,
        about: &'static str,
        flags: &'static [Flag],
    ) -> Command {
        Command {
            path,
            usage,
            about,
            flags,
            not_simulated: &[],
            interspersed: true,
            args: Arity::Any,
            style: Style::Docker,
        }
    }
    pub const fn args(mut self, args: Arity) -> Command {
        self.args = args;
        self
    }
    pub const fn stop_at_first_arg(mut self) -> Command {
        self.interspersed = false;
        self
    }
    pub const fn not_simulated(
        mut self,
        flags: &'static [(&'static str, Option<char>)],
    ) -> Command {
        self.not_simulated = flags;
        self
    }
    pub const fn compose(mut self) -> Command {
        self.style = Style::Compose;
        self
    }
    /// curl's wording and exit code (see [`Style::Curl`]).
    pub const fn curl(mut self) -> Command {
        self.style = Style::Curl;
        self
    }
    /// Multipass's wording and exit code (see [`Style::Multipass`]).
    pub const fn multipass(mut self) -> Command {
        self.style = Style::Multipass;
        self
    }

    /// The path without the program: `service create` for `docker service create`.
    pub fn name(&self) -> &'static str {
        self.path
            .split_once(' ')
            .map_or(self.path, |(_, name)| name)
    }

    /// A flag error in this CLI's words and exit code.
    pub fn flag_error(&self, message: impl AsRef<str>) -> DockerError {
        let message = message.as_ref();
        match self.style {
            Style::Docker => DockerError::new(
                format!(
                    "{message}\n\nUsage:  {}\n\nRun '{} --help' for more information",
                    self.usage, self.path
                ),
                125,
            ),
            Style::Compose => DockerError::new(message, 16),
            Style::Multipass => DockerError::new(message, 1),
            Style::Curl => DockerError::new(
                format!(
                    "{message}\ncurl: try 'curl --help' or 'curl --manual' for more information"
                ),
                2,
            ),
        }
    }

    /// An unknown flag: `--name` (`short` is `None`) or the shorthand `c` in `word` (`-xd`).
    fn unknown(&self, name: &str, short: Option<(char, &str)>) -> DockerError {
        self.flag_error(match (self.style, short) {
            (Style::Multipass, Some((c, _))) => format!("Unknown option '{c}'."),
            (Style::Multipass, None) => format!("Unknown option '{name}'."),
            (Style::Curl, Some((c, _))) => format!("curl: option -{c}: is unknown"),
            (Style::Curl, None) => format!("curl: option --{name}: is unknown"),
            (_, Some((c, word))) => format!("unknown shorthand flag: '{c}' in {word}"),
            (_, None) => format!("unknown flag: --{name}"),
        })
    }

    /// A flag that takes a value was the last word.
    fn needs_argument(&self, name: &str, short: Option<char>) -> DockerError {
        self.flag_error(match (self.style, short) {
            (Style::Multipass, Some(c)) => format!("Missing value after '{c}'."),
            (Style::Multipass, None) => format!("Missing value after '{name}'."),
            (Style::Curl, Some(c)) => format!("curl: option -{c}: requires parameter"),
            (Style::Curl, None) => format!("curl: option --{name}: requires parameter"),
            (_, Some(c)) => format!("flag needs an argument: '{c}' in -{c}"),
            (_, None) => format!("flag needs an argument: --{name}"),
        })
    }

    /// pflag's error for a value its flag cannot take (`strconv.ParseInt: …`).
    pub fn invalid_value(&self, flag: &str, value: &str, why: &str) -> DockerError {
        let shown = match self.flags.iter().find(|f| f.long == flag) {
            Some(Flag { short: Some(c), .. }) => format!("-{c}, --{flag}"),
            _ => format!("--{flag}"),
        };
        self.flag_error(format!(
            "invalid argument \"{value}\" for \"{shown}\" flag: {why}"
        ))
    }

    /// What `--help` prints.
    pub fn help(&self) -> String {
        let mut text = format!("\nUsage:  {}\n\n{}", self.usage, self.about);
        if !self.flags.is_empty() {
            text.push_str("\n\nOptions:");
        }
        for f in self.flags {
            let short = f
                .short
                .map_or_else(|| "    ".to_string(), |c| format!("-{c}, "));
            let value = f.value.map(|v| format!(" {v}")).unwrap_or_default();
            text.push_str(&format!("\n  {short}--{}{value}", f.long));
        }
        text
    }

    /// A real flag (as `shown`) this simulation does not model.
    pub fn refuse(&self, shown: &str) -> DockerError {
        let (code, program) = match self.style {
            Style::Docker => (125, "Docker"),
            Style::Compose => (16, "Docker"),
            Style::Multipass => (1, "Multipass"),
            Style::Curl => (2, "curl"),
        };
        DockerError::new(
            format!(
                "dockyard: `{} {shown}` is real {program}, but this page does not simulate it yet.",
                self.path
            ),
            code,
        )
    }

    /// docker/cli `cli/required.go`: the wrong number of arguments.
    fn check_arity(&self, count: usize) -> Result<(), DockerError> {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let (ok, phrase) = match self.args {
            Arity::Any => return Ok(()),
            Arity::None => (count == 0, "no arguments".to_string()),
            Arity::AtLeast(n) => (count >= n, format!("at least {n} argument{}", plural(n))),
            Arity::Exactly(n) => (count == n, format!("{n} argument{}", plural(n))),
            Arity::Between(lo, hi) => (
                (lo..=hi).contains(&count),
                format!("at least {lo} and at most {hi} arguments"),
            ),
        };
        if ok {
            return Ok(());
        }
        // "requires at least" really does say "See" where the others say "Run".
        let (verb, tail) = match self.args {
            Arity::None => ("accepts", "Run"),
            Arity::AtLeast(_) => ("requires", "See"),
            _ => ("requires", "Run"),
        };
        Err(DockerError::new(
            format!(
                "docker: '{}' {verb} {phrase}\n\nUsage:  {}\n\n{tail} '{} --help' for more information",
                self.path, self.usage, self.path
            ),
            1,
        ))
    }

    /// Whether `-h` means help here (pflag: only when no flag of the command took `h`).
    fn h_is_help(&self) -> bool {
        !self.flags.iter().any(|f| f.short == Some('h'))
    }

    /// Parses the words after the command path. `--help` gives `Err` with the help text and exit
    /// code 0; every other error is the CLI's own.
    pub fn parse(&self, words: &[String]) -> Result<Parsed, DockerError> {
        let mut parsed = Parsed::default();
        let mut i = 0;
        while i < words.len() {
            let word = &words[i];
            i += 1;
            if word == "--" {
                parsed.args.extend(words[i..].iter().cloned());
                break;
            }
            if let Some(long) = word.strip_prefix("--") {
                i = self.parse_long(long, words, i, &mut parsed)?;
            } else if word.len() > 1 && word.starts_with('-') {
                i = self.parse_shorts(word, words, i, &mut parsed)?;
            } else {
                parsed.args.push(word.clone());
                if !self.interspersed {
                    parsed.args.extend(words[i..].iter().cloned());
                    break;
                }
            }
        }
        self.check_arity(parsed.args.len())?;
        Ok(parsed)
    }

    /// `--name`, `--name=value`, `--name value`; returns the index of the next word.
    fn parse_long(
        &self,
        long: &str,
        words: &[String],
        mut i: usize,
        parsed: &mut Parsed,
    ) -> Result<usize, DockerError> {
        let (name, inline) = match long.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (long, None),
        };
        if name == "help" {
            return Err(DockerError::new(self.help(), 0));
        }
        let Some(flag) = self.flags.iter().find(|f| f.long == name) else {
            if self.not_simulated.iter().any(|(l, _)| *l == name) {
                return Err(self.refuse(&format!("--{name}")));
            }
            return Err(self.unknown(name, None));
        };
        let value = if flag.value.is_some() {
            match inline {
                Some(v) => v.to_string(),
                None if i < words.len() => {
                    i += 1;
                    words[i - 1].clone()
                }
                None => return Err(self.needs_argument(name, None)),
            }
        } else {
            self.bool_value(name, inline)?
        };
        parsed.flags.push((flag.long, value));
        Ok(i)
    }

    /// `-d`, `-dit`, `-p8080:80`, `-p=8080:80`, `-p 8080:80`; returns the index of the next word.
    fn parse_shorts(
        &self,
        word: &str,
        words: &[String],
        mut i: usize,
        parsed: &mut Parsed,
    ) -> Result<usize, DockerError> {
        let shorts: Vec<char> = word[1..].chars().collect();
        let mut j = 0;
        while j < shorts.len() {
            let c = shorts[j];
            j += 1;
            if c == 'h' && self.h_is_help() {
                return Err(DockerError::new(self.help(), 0));
            }
            let Some(flag) = self.flags.iter().find(|f| f.short == Some(c)) else {
                if let Some((long, _)) = self.not_simulated.iter().find(|(_, s)| *s == Some(c)) {
                    return Err(self.refuse(&format!("-{c} (--{long})")));
                }
                return Err(self.unknown("", Some((c, word))));
            };
            let rest: String = shorts[j..].iter().collect();
            if flag.value.is_some() {
                let value = if !rest.is_empty() {
                    rest.strip_prefix('=').unwrap_or(&rest).to_string()
                } else if i < words.len() {
                    i += 1;
                    words[i - 1].clone()
                } else {
                    return Err(self.needs_argument(flag.long, Some(c)));
                };
                parsed.flags.push((flag.long, value));
                return Ok(i);
            }
            if let Some(v) = rest.strip_prefix('=') {
                // `-d=false`
                let value = self.bool_value(flag.long, Some(v))?;
                parsed.flags.push((flag.long, value));
                return Ok(i);
            }
            parsed.flags.push((flag.long, "true".to_string()));
        }
        Ok(i)
    }

    /// A boolean's value: absent or `true` → "true", `false` → "false" (strconv.ParseBool's
    /// other spellings too).
    fn bool_value(&self, name: &str, inline: Option<&str>) -> Result<String, DockerError> {
        match inline {
            None | Some("true" | "1" | "t" | "T" | "TRUE" | "True") => Ok("true".to_string()),
            Some("false" | "0" | "f" | "F" | "FALSE" | "False") => Ok("false".to_string()),
            Some(other) => Err(self.invalid_value(
                name,
                other,
                &format!("strconv.ParseBool: parsing \"{other}\": invalid syntax"),
            )),
        }
    }
}

/// What a management command (`docker service …`, `docker stack …`) was asked for.
pub enum Subcommand<'a> {
    /// No subcommand, or `--help`/`-h`/`help`: the group's own help (cobra, exit 0).
    Help,
    /// A subcommand and the words after it.
    Run(&'static Command, &'a [String]),
}

/// Picks the subcommand of the management command `group` (`docker service`) from its words;
/// an unknown one gets docker/cli's `unknown command` error, exit 1.
pub fn subcommand<'a>(
    group: &str,
    args: &'a [String],
    find: fn(&str) -> Option<&'static Command>,
) -> Result<Subcommand<'a>, DockerError> {
    let Some(verb) = args.first() else {
        return Ok(Subcommand::Help);
    };
    if matches!(verb.as_str(), "--help" | "-h" | "help") {
        return Ok(Subcommand::Help);
    }
    match find(verb) {
        Some(cmd) => Ok(Subcommand::Run(cmd, &args[1..])),
        None => Err(DockerError::new(
            format!(
                "docker: unknown command: {group} {verb}\n\nRun '{group} --help' for more information"
            ),
            1,
        )),
    }
}

/// What a command line said: its flags in the order given (by long name) and its arguments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    pub flags: Vec<(&'static str, String)>,
    pub args: Vec<String>,
}

impl Parsed {
    /// A boolean flag: given and not `=false` (the last one wins).
    pub fn bool(&self, long: &str) -> bool {
        self.value(long).is_some_and(|v| v != "false")
    }
    /// Whether the flag was given at all.
    pub fn has(&self, long: &str) -> bool {
        self.flags.iter().any(|(l, _)| *l == long)
    }
    /// A scalar flag: the last value given.
    pub fn value(&self, long: &str) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(l, _)| *l == long)
            .map(|(_, v)| v.as_str())
    }
    /// A scalar flag's last value, owned.
    pub fn string(&self, long: &str) -> Option<String> {
        self.value(long).map(str::to_string)
    }
    /// A slice flag: every value, in order.
    pub fn values(&self, long: &str) -> Vec<String> {
        self.flags
            .iter()
            .filter(|(l, _)| *l == long)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// `0.5` → 500_000_000 nano-CPUs (docker/cli `NanoCPUs.Set`).
pub fn nano_cpus(v: &str) -> Result<u64, String> {
    let cpus: f64 = v
        .parse()
        .map_err(|_| format!("failed to parse {v} as a rational number"))?;
    if !(0.0..=1e6).contains(&cpus) {
        return Err("value is out of range".into());
    }
    Ok((cpus * 1e9).round() as u64)
}

/// `512M`, `1g`, `1GiB` → bytes (go-units `RAMInBytes`: binary multiples).
pub fn memory_bytes(v: &str) -> Result<u64, String> {
    let t = v.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let invalid = || format!("invalid size: '{v}'");
    let n: f64 = num.parse().map_err(|_| invalid())?;
    let mult: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => return Err(invalid()),
    };
    Ok((n * mult as f64) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUN: Command = Command::docker(
        "docker run",
        "docker run [OPTIONS] IMAGE [COMMAND] [ARG...]",
        "Create and run a new container from an image",
        &[
            Flag::bool("detach", Some('d')),
            Flag::bool("interactive", Some('i')),
            Flag::bool("tty", Some('t')),
            Flag::string("name", None),
            Flag::string("publish", Some('p')),
            Flag::string("hostname", Some('h')),
        ],
    )
    .args(Arity::AtLeast(1))
    .stop_at_first_arg()
    .not_simulated(&[("memory", Some('m'))]);

    const COMPOSE_UP: Command = Command::docker(
        "docker compose up",
        "docker compose up [OPTIONS] [SERVICE...]",
        "Create and start containers",
        &[
            Flag::bool("detach", Some('d')),
            Flag::typed("timeout", Some('t'), "int"),
        ],
    )
    .compose();

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn pflag_forms() {
        let p = RUN
            .parse(&words(
                "-dit --name=web -p8080:80 -p=81:80 -p 82:80 nginx sh -c x",
            ))
            .unwrap();
        assert!(p.bool("detach") && p.bool("interactive") && p.bool("tty"));
        assert_eq!(p.value("name"), Some("web"));
        assert_eq!(p.values("publish"), ["8080:80", "81:80", "82:80"]);
        assert_eq!(p.args, words("nginx sh -c x"));
        let p = RUN.parse(&words("--detach=false -- nginx")).unwrap();
        assert!(!p.bool("detach") && p.has("detach"));
        assert_eq!(p.args, ["nginx"]);
    }

    #[test]
    fn docker_errors_carry_usage_and_exit_125() {
        let e = RUN.parse(&words("--bogus nginx")).unwrap_err();
        assert_eq!(e.exit_code, 125);
        assert_eq!(
            e.message,
            "unknown flag: --bogus\n\nUsage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun 'docker run --help' for more information"
        );
        let e = RUN.parse(&words("-dz nginx")).unwrap_err();
        assert!(
            e.message
                .starts_with("unknown shorthand flag: 'z' in -dz\n")
        );
        let e = RUN.parse(&words("--name")).unwrap_err();
        assert!(e.message.starts_with("flag needs an argument: --name\n"));
        let e = RUN.parse(&words("-d=maybe x")).unwrap_err();
        assert!(e.message.starts_with(
            "invalid argument \"maybe\" for \"-d, --detach\" flag: strconv.ParseBool"
        ));
        let e = RUN.parse(&words("-m 1g nginx")).unwrap_err();
        assert_eq!(
            e.message,
            "dockyard: `docker run -m (--memory)` is real Docker, but this page does not simulate it yet."
        );
    }

    #[test]
    fn arity_and_help() {
        let e = RUN.parse(&words("-d")).unwrap_err();
        assert_eq!(e.exit_code, 1);
        assert!(
            e.message
                .starts_with("docker: 'docker run' requires at least 1 argument\n")
        );
        let help = RUN.parse(&words("--help")).unwrap_err();
        assert_eq!(help.exit_code, 0);
        assert!(help.message.contains("Usage:  docker run [OPTIONS] IMAGE"));
        assert!(help.message.contains("  -p, --publish string"));
        // `-h` is --hostname on run, so it is not help there.
        assert_eq!(
            RUN.parse(&words("-h box nginx")).unwrap().value("hostname"),
            Some("box")
        );
        assert_eq!(COMPOSE_UP.parse(&words("-h")).unwrap_err().exit_code, 0);
    }

    /// multipass `src/client/cli/cmd/launch.cpp` on Qt's `QCommandLineParser`: its words, exit 1.
    #[test]
    fn multipass_errors_are_qts_words_with_exit_1() {
        const LAUNCH: Command = Command::docker(
            "multipass launch",
            "multipass launch [options] [<image>]",
            "Create and start an Ubuntu instance",
            &[
                Flag::string("name", Some('n')),
                Flag::string("cpus", Some('c')),
            ],
        )
        .not_simulated(&[("mount", None)])
        .multipass();
        for (line, message) in [
            ("--bogus", "Unknown option 'bogus'."),
            ("-x", "Unknown option 'x'."),
            ("--name", "Missing value after 'name'."),
            ("-n", "Missing value after 'n'."),
        ] {
            let e = LAUNCH.parse(&words(line)).unwrap_err();
            assert_eq!((e.message.as_str(), e.exit_code), (message, 1), "{line}");
        }
        let e = LAUNCH.parse(&words("--mount a:b")).unwrap_err();
        assert!(e.message.contains("is real Multipass"), "{}", e.message);
        let p = LAUNCH.parse(&words("jammy -n vm1 --cpus=2")).unwrap();
        assert_eq!((p.value("name"), p.value("cpus")), (Some("vm1"), Some("2")));
        assert_eq!(p.args, ["jammy"]);
    }

    #[test]
    fn compose_errors_are_pflags_words_with_exit_16() {
        let e = COMPOSE_UP.parse(&words("--detached")).unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.exit_code),
            ("unknown flag: --detached", 16)
        );
        let p = COMPOSE_UP.parse(&words("api -t5 db")).unwrap();
        assert_eq!(p.value("timeout"), Some("5"));
        assert_eq!(p.args, ["api", "db"]);
    }
}
