//! `dockyard play FILE`: a transcript played headless, for authors and anyone's CI.
//!
//! Prints each step as it happened (simulated clock, title, narration, terminal output), then each
//! goal's outcome. Exit status: 0 when every goal is met, 1 when one fails, 2 when the file cannot
//! be read or a line cannot be parsed or carried out (the message names the line).

use super::catalogue::SCENARIOS;
use super::parse::Scenario;
use super::run::{GoalStatus, Run};
use crate::sim::record::Stream;
use crate::sim::time;

const USAGE: &str = "usage: dockyard play FILE [--seed N] [--quiet]
       dockyard list
  play   plays a transcript (see assets/scenarios/*.txt), prints narration, terminal output
         and goal outcomes; exits 1 if a goal fails, 2 if a line cannot be parsed or run
  list   lists the scenarios built into the site";

pub fn main(args: &[String]) -> i32 {
    match args.first().map(String::as_str) {
        Some("play") => play(&args[1..]),
        Some("list") => {
            for file in SCENARIOS {
                match file.parse() {
                    Ok(s) => println!("{:<28} {:<22} {}", file.slug, s.page, s.title),
                    Err(e) => println!("{:<28} (broken: {e})", file.slug),
                }
            }
            0
        }
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            0
        }
        _ => {
            eprintln!("{USAGE}");
            2
        }
    }
}

fn play(args: &[String]) -> i32 {
    let mut file: Option<&str> = None;
    let mut seed: Option<u64> = None;
    let mut quiet = false;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--seed" => {
                i += 1;
                match args.get(i).and_then(|s| s.parse().ok()) {
                    Some(s) => seed = Some(s),
                    None => {
                        eprintln!("--seed needs a whole number");
                        return 2;
                    }
                }
            }
            "--quiet" | "-q" => quiet = true,
            other if file.is_none() => file = Some(other),
            other => {
                eprintln!("unexpected argument {other:?}\n{USAGE}");
                return 2;
            }
        }
        i += 1;
    }
    let Some(path) = file else {
        eprintln!("{USAGE}");
        return 2;
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("{path}: {e}");
            return 2;
        }
    };
    let scenario = match Scenario::parse(&text) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{path}:{}:{}: {}", e.line, e.column, e.message);
            return 2;
        }
    };
    let run = match Run::play(&scenario, seed) {
        Ok(run) => run,
        Err(e) => {
            eprintln!("{path}:{}:{}: {}", e.line, e.column, e.message);
            return 2;
        }
    };
    println!("# {}  (seed {})", scenario.title, run.timeline.start().seed);
    if !quiet {
        print!("{}", transcript(&run));
    }
    let mut failed = 0;
    println!("\ngoals:");
    for (goal, status) in super::author::goal_results(&run) {
        let mark = match status {
            GoalStatus::Met => "PASS",
            GoalStatus::Failed => {
                failed += 1;
                "FAIL"
            }
            GoalStatus::Pending => "PEND",
        };
        println!("  {mark}  line {:>3}  {}", goal.line, goal.text);
    }
    if failed > 0 {
        println!("{failed} goal(s) failed");
        1
    } else {
        println!("all {} goal(s) met", run.goals.goals.len());
        0
    }
}

/// The whole run as text: notes, then each step with its clock, narration and terminal lines.
pub fn transcript(run: &Run) -> String {
    let mut out = String::new();
    for (k, record) in run.timeline.records().iter().enumerate() {
        if let Some(notes) = run.notes.get(&k) {
            for note in notes {
                out.push_str(&format!("\n> {note}\n"));
            }
        }
        out.push_str(&format!(
            "[{} step {}] {}\n",
            time::clock(record.at_ms),
            k + 1,
            record.title
        ));
        for line in &record.terminal {
            match line.stream {
                Stream::Prompt => out.push_str(&format!(
                    "    {}{}\n",
                    crate::sim::TermLine::ps1(line.host.as_deref()),
                    line.text
                )),
                Stream::Stdout => out.push_str(&format!("    {}\n", line.text)),
                Stream::Stderr => out.push_str(&format!("    {}\n", line.text)),
            }
        }
        for line in &record.narration {
            out.push_str(&format!("      · {line}\n"));
        }
    }
    out
}
