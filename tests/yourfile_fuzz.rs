//! The report and the export on hostile input: arbitrary YAML-ish text and random mutations of
//! the real files (lines deleted, duplicated, indented or dedented, characters inserted, values
//! swapped between lines), on one host and on a swarm. Nothing may panic; a file that gets a
//! report must export with every fix, and the export must load.
//!
//! The generator is a seeded xorshift (no crate): a failure prints its case number and text, and
//! `FUZZ_SEED=N` replays from another seed. `FUZZ_CASES=N` raises the number of cases per kind.

use dockyard::sim::yourfile::export::export;
use dockyard::sim::yourfile::report::report;
use dockyard::sim::yourfile::{Target, Upload, UploadFile};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

fn cases() -> usize {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

fn seed() -> u64 {
    std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5EED_CAFE_F00D_0001)
}

const TOKENS: &[&str] = &[
    "services",
    "image",
    "ports",
    "volumes",
    "deploy",
    "networks",
    "depends_on",
    "environment",
    "healthcheck",
    "logging",
    "restart",
    "labels",
    "build",
    "user",
    "privileged",
    "network_mode",
    "version",
    "driver",
    "replicas",
    "condition",
    "test",
    "options",
    "max-size",
    "web",
    "db",
    "postgres",
    "nginx:latest",
    "redis",
    "mysql:8",
    "traefik.enable=true",
    "bridge",
    "overlay",
    "host",
    "always",
    "on-failure:3",
    "5432:5432",
    "127.0.0.1:80:80",
    "8080",
    "/var/run/docker.sock",
    "db-data:/var/lib/postgresql/data",
    "localhost:5432",
    "PASSWORD",
    "${X}",
    "$${Y}",
    "true",
    "~",
    ": ",
    ":",
    "- ",
    "-",
    "\n",
    "\n  ",
    "\n    ",
    "\n      ",
    "  ",
    "{",
    "}",
    "[",
    "]",
    ",",
    "'",
    "\"",
    "&a ",
    "*a",
    "<<: ",
    "# c",
    "\t",
    "é",
    "\u{0}",
    "\r\n",
    "!!str ",
    "? ",
    "|\n",
    ">-\n",
];

/// A string of tokens, often starting the way a compose file does.
fn yamlish(rng: &mut Rng) -> String {
    let mut s = String::new();
    if rng.below(2) == 0 {
        s.push_str("services:\n  web:\n    ");
    }
    for _ in 0..rng.below(60) + 1 {
        s.push_str(rng.pick(TOKENS));
    }
    s
}

fn real_files() -> Vec<String> {
    let root = format!("{}/tests/data", env!("CARGO_MANIFEST_DIR"));
    let mut paths = vec![
        format!("{root}/example-voting-app/docker-compose.yml"),
        format!("{root}/example-voting-app/docker-stack.yml"),
    ];
    let mut samples: Vec<_> = std::fs::read_dir(format!("{root}/awesome-compose"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.path())
        .collect();
    dockyard::sim::order::sort(&mut samples);
    for dir in samples {
        for name in ["compose.yaml", "compose.yml"] {
            let p = dir.join(name);
            if p.exists() {
                paths.push(p.to_string_lossy().into_owned());
            }
        }
    }
    paths
        .into_iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

/// One random edit of a file's lines.
fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for _ in 0..rng.below(2) + 1 {
        if lines.is_empty() {
            break;
        }
        let i = rng.below(lines.len());
        match rng.below(6) {
            0 => {
                lines.remove(i);
            }
            1 => {
                let l = lines[i].clone();
                lines.insert(i, l);
            }
            2 => lines[i] = format!("  {}", lines[i]),
            3 => lines[i] = lines[i].trim_start().to_string(),
            4 => {
                let mut chars: Vec<char> = lines[i].chars().collect();
                let at = rng.below(chars.len() + 1);
                let token: Vec<char> = rng.pick(TOKENS).chars().collect();
                chars.splice(at..at, token);
                lines[i] = chars.into_iter().collect();
            }
            _ => {
                // Swap the values of two `key: value` lines.
                let j = rng.below(lines.len());
                let (a, b) = (lines[i].clone(), lines[j].clone());
                if let (Some((ka, va)), Some((kb, vb))) = (a.split_once(": "), b.split_once(": ")) {
                    lines[i] = format!("{ka}: {vb}");
                    lines[j] = format!("{kb}: {va}");
                }
            }
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// Runs the report and the export on one text; the error says what broke.
fn check(text: &str, target: Target) -> Result<(), String> {
    let upload = Upload {
        target,
        files: vec![UploadFile {
            path: "compose.yaml".into(),
            text: text.to_string(),
        }],
    };
    let run = std::panic::catch_unwind(|| {
        let Ok(r) = report(&upload) else {
            return Ok(());
        };
        let keys: Vec<String> = r
            .findings
            .iter()
            .filter(|f| f.fix.is_some())
            .map(|f| f.key())
            .collect();
        let out = export(&upload, &keys).map_err(|e| format!("the export does not load: {e}"))?;
        let mut again = upload.clone();
        again.files[0].text = out.clone();
        let after = report(&again).map_err(|e| format!("the export's report fails: {e}"))?;
        // Every accepted fix was applied: none of its findings is left with a fix.
        if let Some(f) = after
            .findings
            .iter()
            .find(|f| f.fix.is_some() && keys.contains(&f.key()))
        {
            return Err(format!(
                "{} is still there after the export:\n{out}",
                f.key()
            ));
        }
        Ok(())
    });
    match run {
        Ok(result) => result,
        Err(_) => Err("panicked".to_string()),
    }
}

fn targets(i: usize) -> Target {
    if i.is_multiple_of(2) {
        Target::Host
    } else {
        Target::Swarm {
            managers: 1 + i % 3,
            workers: 2,
        }
    }
}

#[test]
fn arbitrary_yaml_never_panics() {
    let mut rng = Rng(seed());
    let mut failures = Vec::new();
    for i in 0..cases() * 4 {
        let text = yamlish(&mut rng);
        if let Err(e) = check(&text, targets(i)) {
            failures.push(format!("case {i}: {e}\n{text:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn mutated_real_files_never_panic_and_export_what_loads() {
    let files = real_files();
    assert_eq!(files.len(), 41);
    let mut rng = Rng(seed() ^ 0x9E37_79B9);
    let mut failures = Vec::new();
    let mut reported = 0;
    for i in 0..cases() {
        let original = &files[rng.below(files.len())];
        let text = mutate(&mut rng, original);
        let target = targets(i);
        let upload = Upload {
            target,
            files: vec![UploadFile {
                path: "compose.yaml".into(),
                text: text.clone(),
            }],
        };
        if matches!(
            std::panic::catch_unwind(|| report(&upload).is_ok()),
            Ok(true)
        ) {
            reported += 1;
        }
        if let Err(e) = check(&text, target) {
            failures.push(format!("case {i}: {e}\n{text}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // Most mutations keep the file loadable, so the fixes are exercised too.
    assert!(
        reported * 4 > cases(),
        "only {reported} of {} loaded",
        cases()
    );
}

const DOCKERFILE_TOKENS: &[&str] = &[
    "FROM ",
    "node",
    "node:latest",
    "scratch",
    " AS build",
    "RUN ",
    "apt-get install ",
    "-y ",
    "apk add ",
    "pip install ",
    "cd /app",
    " && ",
    " | ",
    "||",
    "sudo ",
    "USER ",
    "root",
    "1000",
    "ADD ",
    "COPY ",
    "--from=build ",
    "a.tar.gz ",
    "https://x/y ",
    ". ",
    "/app",
    "WORKDIR ",
    "app",
    "CMD ",
    "ENTRYPOINT ",
    "[\"node\", \"s.js\"]",
    "node s.js",
    "HEALTHCHECK ",
    "MAINTAINER ",
    "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]",
    "\\\n",
    "\n",
    "\n",
    "# c\n",
    "$X",
    "é",
    "\r\n",
    "\t",
    "'",
    "\"",
    "[",
    "]",
];

#[test]
fn arbitrary_dockerfiles_never_panic() {
    let mut rng = Rng(seed() ^ 0xD0CF);
    let mut failures = Vec::new();
    for i in 0..cases() {
        let mut dockerfile = String::new();
        for _ in 0..rng.below(40) + 1 {
            dockerfile.push_str(rng.pick(DOCKERFILE_TOKENS));
        }
        let upload = Upload {
            target: Target::Host,
            files: vec![
                UploadFile {
                    path: "compose.yaml".into(),
                    text: "services:\n  api:\n    build: ./api\n".into(),
                },
                UploadFile {
                    path: "api/Dockerfile".into(),
                    text: dockerfile.clone(),
                },
            ],
        };
        let run = std::panic::catch_unwind(|| {
            let r = report(&upload).map_err(|e| format!("the report fails: {e}"))?;
            let keys: Vec<String> = r
                .findings
                .iter()
                .filter(|f| f.fix.is_some())
                .map(|f| f.key())
                .collect();
            let out = dockyard::sim::yourfile::export::export_upload(&upload, &keys)
                .map_err(|e| format!("the export fails: {e}"))?;
            let after = report(&out).map_err(|e| format!("the export's report fails: {e}"))?;
            match after
                .findings
                .iter()
                .find(|f| f.fix.is_some() && keys.contains(&f.key()))
            {
                Some(f) => Err(format!(
                    "{} is still there:\n{}",
                    f.key(),
                    out.files[1].text
                )),
                None => Ok(()),
            }
        });
        match run {
            Ok(Ok(())) => {}
            Ok(Err(e)) => failures.push(format!("case {i}: {e}\n{dockerfile:?}")),
            Err(_) => failures.push(format!("case {i}: panicked\n{dockerfile:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
