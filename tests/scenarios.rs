//! Every shipped scenario is a test: it must parse, play, and reach all of its goals.

use dockyard::scenario::{GoalStatus, PAGES, Run, SCENARIOS, catalogue};

#[test]
fn every_shipped_scenario_reaches_its_goals() {
    for file in SCENARIOS {
        let scenario = file
            .parse()
            .unwrap_or_else(|e| panic!("{}.txt: {e}", file.slug));
        let run = Run::play(&scenario, None).unwrap_or_else(|e| panic!("{}.txt: {e}", file.slug));
        assert!(!run.goals.goals.is_empty(), "{} has no goals", file.slug);
        for (g, goal) in run.goals.goals.iter().enumerate() {
            assert_eq!(
                run.goals.status(g, run.timeline.len(), true),
                GoalStatus::Met,
                "{}.txt line {}: `{}` not met",
                file.slug,
                goal.line,
                goal.text
            );
        }
    }
}

#[test]
fn every_scenario_file_is_in_the_catalogue() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/scenarios");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .expect("assets/scenarios exists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".txt"))
        .map(|n| n.trim_end_matches(".txt").to_string())
        .collect();
    dockyard::sim::order::sort(&mut on_disk);
    let mut listed: Vec<String> = SCENARIOS.iter().map(|s| s.slug.to_string()).collect();
    dockyard::sim::order::sort(&mut listed);
    assert_eq!(
        on_disk, listed,
        "list each transcript under its page (`scenarios`) in src/scenario/catalogue.rs"
    );
}

#[test]
fn every_scenario_belongs_to_a_ready_page_and_ready_pages_have_scenarios() {
    for file in SCENARIOS {
        let scenario = file.parse().expect("parses");
        let page = catalogue::page(&scenario.page)
            .unwrap_or_else(|| panic!("{}: unknown page `{}`", file.slug, scenario.page));
        assert!(
            page.ready(),
            "{} belongs to {}, which is not marked ready",
            file.slug,
            page.slug
        );
    }
    for page in PAGES.iter().filter(|p| p.ready()) {
        assert!(
            !catalogue::for_page(page.slug).is_empty(),
            "{} is ready but has no scenario",
            page.slug
        );
    }
}

#[test]
fn the_learning_path_has_fifteen_pages() {
    assert_eq!(PAGES.len(), 15);
    let numbers: Vec<&str> = PAGES.iter().map(|p| p.number).collect();
    assert_eq!(
        numbers,
        [
            "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "T1", "T2", "P"
        ]
    );
}

#[test]
fn a_goal_that_cannot_hold_fails() {
    let scenario = dockyard::scenario::Scenario::parse(
        "# T\nsetup: host\n$ docker run -d --name web nginx\nexpect eventually: container web is exited\nexpect: container web is paused\n",
    )
    .unwrap();
    let run = Run::play(&scenario, None).unwrap();
    let end = run.timeline.len();
    assert_eq!(run.goals.status(0, end, true), GoalStatus::Failed);
    assert_eq!(run.goals.status(1, end, true), GoalStatus::Failed);
    // Before the end of the transcript an unmet `eventually` is still pending.
    assert_eq!(run.goals.status(0, end, false), GoalStatus::Pending);
}

#[test]
fn a_command_that_never_returns_names_its_line() {
    let scenario =
        dockyard::scenario::Scenario::parse("# T\n$ docker run --name web nginx\n$ docker ps\n")
            .unwrap();
    let e = Run::play(&scenario, None).unwrap_err();
    assert_eq!(e.line, 3);
    assert!(e.message.contains("attached to web"), "{}", e.message);
}

/// The headless player, as an author or a CI runs it.
#[test]
fn the_player_exits_by_outcome() {
    let bin = env!("CARGO_BIN_EXE_dockyard");
    let dir = std::env::temp_dir().join(format!("dockyard-play-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let ok = std::process::Command::new(bin)
        .args([
            "play",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/assets/scenarios/stop-grace-period.txt"
            ),
        ])
        .output()
        .unwrap();
    assert_eq!(ok.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert!(stdout.contains("$ docker stop sleeper"));
    assert!(stdout.contains("PASS"));

    let failing = write(
        "fail.txt",
        "# F\n$ docker run -d --name web nginx\nexpect: container web is exited\n",
    );
    let out = std::process::Command::new(bin)
        .arg("play")
        .arg(&failing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("FAIL  line   3"));

    let broken = write("broken.txt", "# B\n$ docker ps\nexplode\n");
    let out = std::process::Command::new(bin)
        .arg("play")
        .arg(&broken)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.txt:3:"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// When the reader types their own command, the goals still ahead become targets: reachable
/// from then on, pending until reached, never failed for a future that was discarded.
#[test]
fn goals_ahead_of_a_fork_become_targets() {
    use dockyard::sim::Input;
    let file = SCENARIOS
        .iter()
        .find(|f| f.slug == "port-conflict")
        .unwrap();
    let mut run = Run::play(&file.parse().unwrap(), None).unwrap();
    run.seek(0);
    run.submit(Input::Command(
        "docker run -d --name blue -p 8080:80 nginx".into(),
    ));
    let statuses = run.goal_statuses();
    assert!(
        statuses.iter().all(|s| *s != GoalStatus::Failed),
        "{statuses:?}"
    );
    assert_eq!(
        statuses[0],
        GoalStatus::Met,
        "`port 8080 serves blue` holds right away"
    );
    assert_eq!(statuses[1], GoalStatus::Pending);
}
