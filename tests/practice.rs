//! The practice project's finished stack: its scorecard is all green, and what the page exports
//! (stack.yml, the Dockerfiles, Traefik's flags) is what real Docker takes — the Compose schema
//! accepts the stack file, and deploying it again changes nothing.

use dockyard::scenario::{Run, catalogue};
use dockyard::sim::readiness::{self, PRACTICE_STACK};
use dockyard::sim::{Input, Timeline};

fn finished() -> Timeline {
    let file = catalogue::scenario("mission-10").expect("shipped");
    Run::play(&file.parse().expect("parses"), None)
        .expect("plays")
        .timeline
}

fn run(t: &mut Timeline, line: &str) -> dockyard::sim::Record {
    let record = t.submit(Input::Command(line.to_string())).clone();
    while t.world().shell.is_busy() && t.forward() {}
    record
}

#[test]
fn the_finished_stack_passes_every_check_and_exports_files_docker_accepts() {
    let mut t = finished();
    let items = readiness::scorecard(t.world(), PRACTICE_STACK);
    let failing: Vec<_> = items.iter().filter(|i| !i.ok).collect();
    assert!(failing.is_empty(), "{failing:#?}");

    let files = readiness::export(t.world(), PRACTICE_STACK);
    let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        names,
        [
            "stack.yml",
            "api/Dockerfile",
            "web/Dockerfile",
            "traefik-flags.txt"
        ]
    );
    let flags = &files[3].1;
    assert!(flags.contains("--certificatesresolvers.le.acme.httpchallenge.entrypoint=web"));

    // The exported stack file, written back under another name: Compose's loader (schema
    // included) takes it, and deploying it updates the stack to what it already is.
    let stack = files[0].1.clone();
    run(&mut t, &format!("cat > exported.yml <<'EOF'\n{stack}EOF"));
    let config = run(&mut t, "docker compose -f exported.yml config -q");
    assert!(!config.error, "{}", config.terminal_text());
    let before = t.world().swarm.services.clone();
    let deploy = run(&mut t, "docker stack deploy -c exported.yml shop");
    assert!(!deploy.error, "{}", deploy.terminal_text());
    let specs = |s: &std::collections::BTreeMap<String, dockyard::sim::swarm::service::Service>| {
        s.values()
            .map(|svc| (svc.spec.name.clone(), svc.spec.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(specs(&t.world().swarm.services), specs(&before));
}
