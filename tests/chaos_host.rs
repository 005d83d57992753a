//! Chaos on the single host: a seeded random mix of `docker` and `docker compose` commands
//! (run, stop, start, restart, kill, rm, pause, unpause, exec, networks, volumes, prune) with
//! real images (nginx:1.27, redis:7, postgres:16, alpine, a chatty node:20 app), a Compose file
//! with a healthcheck and `depends_on: service_healthy`, and the faults the terminal accepts on
//! the host (`crash`, `oom`, `busy`, `reboot`, `fill-disk host`, `free-disk host`), with time
//! passing between them. After every step the world's invariants must hold
//! (`World::check_invariants`, src/sim/invariants.rs: nothing due in the past, no host port
//! bound twice, the disk within its size unless full, every mounted volume there…).
//!
//! 32 seeds run by default; `CHAOS_SEEDS=500 cargo test --test chaos_host` runs more
//! (`CHAOS_FIRST_SEED=N` starts elsewhere, `CHAOS_TRACE=1` prints every step). A failure
//! prints the seed and every input as a transcript (`$ command`, `! fault`, `wait 5s`), which
//! `dockyard play` runs after a `setup: host seed=N` line.

mod common;

use common::Dice;
use dockyard::sim::testkit;
use dockyard::sim::{Fault, Input, World};

/// The Compose project: a database with a healthcheck, and a web server that waits for it and
/// publishes the port the hand-run `web` wants too.
const COMPOSE: &str = "services:
  web:
    image: nginx:1.27
    ports:
      - \"8080:80\"
    restart: unless-stopped
    depends_on:
      db:
        condition: service_healthy
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: secret
    volumes:
      - db-data:/var/lib/postgresql/data
    healthcheck:
      test: [\"CMD\", \"pg_isready\", \"-U\", \"postgres\"]
      interval: 5s
      retries: 5
volumes:
  db-data:
";

/// Containers run by hand, and the ones Compose names, and its service names (the faults
/// resolve those as `docker compose kill web` would).
const NAMES: [&str; 10] = [
    "web",
    "cache",
    "db",
    "sleeper",
    "api",
    "vol",
    "app-web-1",
    "app-db-1",
    "web",
    "db",
];

/// `docker run` lines, each for one of the names above.
const RUNS: [&str; 8] = [
    "docker run -d --name web -p 8080:80 nginx:1.27",
    "docker run -d --name cache --restart always redis:7",
    "docker run -d --name db --restart unless-stopped -e POSTGRES_PASSWORD=secret -v pgdata:/var/lib/postgresql/data postgres:16",
    "docker run -d --name sleeper --restart on-failure:3 alpine sleep 3600",
    "docker run -d --name api --restart always -e LOG_LEVEL=debug node:20 node server.js",
    "docker run -d --name vol -v data:/data alpine sleep 600",
    "docker run -d --name cache --network appnet -p 6379:6379 redis:7",
    "docker run --rm -v data:/data alpine ls /data",
];

fn command(dice: &mut Dice) -> String {
    let name = dice.pick(&NAMES);
    match dice.below(30) {
        0..=5 => dice.pick(&RUNS).to_string(),
        6 => format!("docker stop {name}"),
        7 => format!("docker stop -t 1 {name}"),
        8 => format!("docker start {name}"),
        9 => format!("docker restart {name}"),
        10 => format!("docker kill {name}"),
        11 => format!("docker rm {name}"),
        12 => format!("docker rm -f {name}"),
        13 => format!("docker pause {name}"),
        14 => format!("docker unpause {name}"),
        15 => dice
            .pick(&[
                "docker exec cache redis-cli ping",
                "docker exec web ls /usr/share/nginx/html",
                "docker exec db psql -U postgres -c 'select 1'",
                "docker exec vol sh -c 'echo hello > /data/note'",
            ])
            .to_string(),
        16 => dice
            .pick(&[
                "docker network create appnet",
                "docker network rm appnet",
                "docker network connect appnet web",
                "docker network disconnect appnet web",
            ])
            .to_string(),
        17 => dice
            .pick(&[
                "docker volume create data",
                "docker volume rm data",
                "docker volume rm pgdata",
                "docker volume prune -f",
                "docker volume prune -af",
            ])
            .to_string(),
        18..=21 => dice
            .pick(&[
                "docker compose up -d",
                "docker compose up -d",
                "docker compose stop",
                "docker compose start",
                "docker compose restart",
                "docker compose down",
                "docker compose down -v",
                "docker compose rm -f",
            ])
            .to_string(),
        22 => dice
            .pick(&[
                "docker container prune -f",
                "docker system prune -f",
                "docker rm -v -f vol",
            ])
            .to_string(),
        _ => dice
            .pick(&[
                "docker ps -a",
                "docker compose ps -a",
                "docker logs --tail 3 db",
                "curl -s localhost:8080",
                "df -h /",
                "docker inspect app-db-1",
            ])
            .to_string(),
    }
}

fn fault(dice: &mut Dice) -> Fault {
    let container = dice.pick(&NAMES).to_string();
    match dice.below(8) {
        0 | 1 => Fault::Crash {
            container,
            exit_code: 139,
        },
        2 => Fault::Crash {
            container,
            exit_code: 1,
        },
        3 => Fault::OomKill { container },
        4 => Fault::FsBusy { container },
        5 => Fault::Reboot,
        6 => Fault::NodeDisk {
            machine: "host".into(),
            full: true,
        },
        _ => Fault::NodeDisk {
            machine: "host".into(),
            full: false,
        },
    }
}

struct Chaos {
    seed: u64,
    world: World,
    /// Every input, as a transcript writes it.
    log: Vec<String>,
    steps: usize,
}

impl Chaos {
    fn fail(&self, why: &str) -> ! {
        panic!(
            "host chaos seed {} at {} ms: {why}\ninputs (a transcript after `setup: host seed={}`):\n{}",
            self.seed,
            self.world.now_ms,
            self.seed,
            self.log.join("\n")
        );
    }

    fn input(&mut self, input: Input) {
        self.log.push(input.describe());
        self.world.submit(input);
    }

    /// Lets `ms` pass, running every event due and checking the invariants after each step.
    fn wait(&mut self, ms: u64) {
        if ms > 0 {
            self.input(Input::Advance { duration_ms: ms });
        }
        let until_ms = self.world.now_ms + ms;
        let trace = std::env::var("CHAOS_TRACE").is_ok();
        // Debug builds check the invariants inside the step and panic: report that, and a
        // failure of the check here, with the seed and the inputs.
        let stepped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut steps = 0;
            testkit::forward_until_each(&mut self.world, until_ms, |world, record| {
                if trace {
                    eprintln!("{} {}", record.at_ms, record.title);
                }
                if let Err(why) = world.check_invariants() {
                    panic!("{why}");
                }
                steps += 1;
                assert!(steps <= 100_000, "the simulation does not settle");
            })
        }));
        match stepped {
            Ok(steps) => self.steps += steps,
            Err(panic) => {
                let why = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "the step panicked".to_string());
                self.fail(&why)
            }
        }
    }
}

fn chaos(seed: u64) -> usize {
    let mut c = Chaos {
        seed,
        world: World::new(seed),
        log: Vec::new(),
        steps: 0,
    };
    let mut dice = Dice(seed ^ 0x4057);
    c.input(Input::Command(format!(
        "cat > compose.yaml <<'EOF'\n{COMPOSE}EOF"
    )));
    c.wait(0);
    for _ in 0..40 {
        let input = if dice.below(6) == 0 {
            Input::Fault(fault(&mut dice))
        } else {
            Input::Command(command(&mut dice))
        };
        c.input(input);
        let pause = match dice.below(10) {
            0..=3 => 0,
            4..=7 => 500 + dice.below(10_000),
            8 => 10_000 + dice.below(30_000),
            _ => 60_000 + dice.below(120_000),
        };
        c.wait(pause);
    }
    // Whatever is still waiting (a grace period, a healthcheck, a restart's back-off) runs out.
    c.wait(120_000);
    c.steps
}

fn seeds() -> u64 {
    std::env::var("CHAOS_SEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32)
}

#[test]
fn host_chaos_keeps_the_invariants() {
    let first = std::env::var("CHAOS_FIRST_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut steps = 0;
    for seed in first..first + seeds() {
        steps += chaos(seed);
    }
    assert!(steps > 0);
    if std::env::var("CHAOS_VERBOSE").is_ok() {
        eprintln!("{steps} steps");
    }
}
