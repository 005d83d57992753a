//! What can happen from outside the simulation.
//!
//! On a real host these are a person typing in a shell, and the world being unkind: a process
//! crashing, the kernel's OOM killer, a reboot. Commands are kept as the raw line typed, and parsed
//! when the step runs, so a typo becomes a record with Docker's error rather than a lost input.
//!
//! A leaf: inputs are plain data, parsed from words, so the agenda and the world can hold them
//! without importing the domains that act on them (src/sim/swarm/voting.rs and
//! src/sim/traffic/mod.rs re-export their actions from here).

use super::time::{self, Millis};

#[derive(Clone, PartialEq, Debug)]
pub enum Input {
    /// A line typed in the host's shell: `docker run …`, `curl …`, `sleep 5`.
    Command(String),
    /// Something breaks.
    Fault(Fault),
    /// Let simulated time pass (a transcript's `wait 30s`).
    Advance { duration_ms: Millis },
}

#[derive(Clone, PartialEq, Debug)]
pub enum Fault {
    /// The container's main process dies on its own (default: SIGSEGV, exit code 139).
    Crash { container: String, exit_code: i32 },
    /// The kernel's OOM killer ends the main process: exit code 137 and `OOMKilled: true`.
    OomKill { container: String },
    /// `leak NAME 10M/s` (or `/min`, `/h`): the container's program leaks memory from now on;
    /// `leak NAME stop` fixes it (src/sim/docker/resources.rs). `rate` is the text as typed.
    Leak {
        container: String,
        bytes_per_s: u64,
        rate: String,
    },
    /// The host reboots: every container stops, then the daemon applies each restart policy.
    Reboot,
    /// The container's filesystem is held busy by another process: the next removal fails and
    /// leaves the container `dead`, as a real `device or resource busy` does.
    FsBusy { container: String },
    /// A machine of the swarm lab loses power (`kill node-3`) or is started again (`start node-3`).
    Machine { machine: String, up: bool },
    /// `partition node-3` / `partition node-2 node-3`: these machines can talk among themselves
    /// but not with the rest of the lab (src/sim/swarm/control.rs).
    Partition { machines: Vec<String> },
    /// `heal`: every partition ends.
    Heal,
    /// `fill-disk node-2` / `free-disk node-2`: a swarm machine's disk is full (or freed).
    NodeDisk { machine: String, full: bool },
    /// `vote cats 5` / `results`: someone uses the voting app's pages
    /// (src/sim/swarm/voting.rs).
    Voting(VotingAction),
    /// `traffic start node-1:8080 20/s` / `traffic stop` (src/sim/traffic/mod.rs).
    Traffic(TrafficAction),
    /// `dns NAME MACHINE`: the public DNS record of NAME (`*.example.com` for a wildcard)
    /// points at a lab machine; `dns NAME none` removes it (src/sim/traefik/model.rs).
    Dns {
        name: String,
        machine: Option<String>,
    },
    /// `writes start CONTAINER TABLE RATE` (`1/h`, `10/m`, `2/s`) / `writes stop`: an
    /// application writing rows (src/sim/backup/mod.rs).
    Writes {
        /// `(container, table, every_ms)`; `None` stops.
        start: Option<(String, String, super::time::Millis)>,
    },
    /// `drop-table NAME`, `delete-volume NAME`, `corrupt-volume NAME`, `lose-disk`, `ransomware`
    /// (src/sim/docker/disaster.rs).
    Disaster(Disaster),
}

/// Which disaster, as typed after `!`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Disaster {
    DropTable {
        table: String,
    },
    DeleteVolume {
        volume: String,
    },
    CorruptVolume {
        volume: String,
    },
    /// The host's disk, or (in the swarm lab) a machine's: `lose-disk node-1`.
    LoseDisk {
        machine: Option<String>,
    },
    Ransomware,
}

impl Disaster {
    pub fn parse(words: &[&str]) -> Option<Disaster> {
        Some(match words {
            ["drop-table", table] => Disaster::DropTable {
                table: table.to_ascii_lowercase(),
            },
            ["delete-volume", volume] => Disaster::DeleteVolume {
                volume: volume.to_string(),
            },
            ["corrupt-volume", volume] => Disaster::CorruptVolume {
                volume: volume.to_string(),
            },
            ["lose-disk"] => Disaster::LoseDisk { machine: None },
            ["lose-disk", machine] => Disaster::LoseDisk {
                machine: Some(machine.to_string()),
            },
            ["ransomware"] => Disaster::Ransomware,
            _ => return None,
        })
    }

    pub fn describe(&self) -> String {
        match self {
            Disaster::DropTable { table } => format!("drop-table {table}"),
            Disaster::DeleteVolume { volume } => format!("delete-volume {volume}"),
            Disaster::CorruptVolume { volume } => format!("corrupt-volume {volume}"),
            Disaster::LoseDisk { machine: None } => "lose-disk".to_string(),
            Disaster::LoseDisk {
                machine: Some(machine),
            } => format!("lose-disk {machine}"),
            Disaster::Ransomware => "ransomware".to_string(),
        }
    }
}

/// A write period as the `N/unit` rate `writes start` reads back (`3600000` ms → `1/h`).
fn rate_text(every_ms: super::time::Millis) -> String {
    for (unit, unit_ms) in [
        ("s", 1_000),
        ("m", 60_000),
        ("h", 3_600_000),
        ("d", 86_400_000),
    ] {
        if every_ms > 0 && unit_ms % every_ms == 0 {
            return format!("{}/{unit}", unit_ms / every_ms);
        }
    }
    format!("{}/d", (86_400_000 / every_ms.max(1)).max(1))
}

/// `10M/s`, `50M/min`, `1G/h` → bytes per second; `stop` → 0.
fn parse_leak_rate(rate: &str) -> Result<u64, String> {
    if rate == "stop" {
        return Ok(0);
    }
    let bad =
        || format!("a leak rate is SIZE/s, SIZE/min or SIZE/h (10M/s) or `stop`, got {rate:?}");
    let (size, per) = rate.split_once('/').ok_or_else(bad)?;
    let bytes = super::flags::memory_bytes(size).map_err(|_| bad())?;
    let seconds = match per {
        "s" => 1,
        "min" | "m" => 60,
        "h" => 3600,
        _ => return Err(bad()),
    };
    let per_s = bytes / seconds;
    if per_s == 0 {
        return Err(bad());
    }
    Ok(per_s)
}

impl Fault {
    /// Parses the text after `!` in a transcript or the terminal: `crash web`, `crash web 3`,
    /// `oom web`, `reboot`, `busy web`.
    pub fn parse(text: &str) -> Result<Fault, String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        match words.as_slice() {
            ["crash", name] => Ok(Fault::Crash {
                container: name.to_string(),
                exit_code: 139,
            }),
            ["crash", name, code] => code
                .parse::<i32>()
                .ok()
                .filter(|c| (0..=255).contains(c))
                .map(|exit_code| Fault::Crash {
                    container: name.to_string(),
                    exit_code,
                })
                .ok_or_else(|| format!("exit code must be 0-255, got {code:?}")),
            ["oom", name] => Ok(Fault::OomKill {
                container: name.to_string(),
            }),
            ["leak", name, rate] => parse_leak_rate(rate).map(|bytes_per_s| Fault::Leak {
                container: name.to_string(),
                bytes_per_s,
                rate: rate.to_string(),
            }),
            ["reboot"] => Ok(Fault::Reboot),
            ["busy", name] => Ok(Fault::FsBusy {
                container: name.to_string(),
            }),
            ["kill", name] => Ok(Fault::Machine {
                machine: name.to_string(),
                up: false,
            }),
            ["start", name] => Ok(Fault::Machine {
                machine: name.to_string(),
                up: true,
            }),
            ["partition", names @ ..] if !names.is_empty() => Ok(Fault::Partition {
                machines: names.iter().map(|n| n.to_string()).collect(),
            }),
            ["heal"] => Ok(Fault::Heal),
            ["fill-disk", name] | ["free-disk", name] => Ok(Fault::NodeDisk {
                machine: name.to_string(),
                full: words[0] == "fill-disk",
            }),
            ["dns", name, machine] => Ok(Fault::Dns {
                name: name.trim_end_matches('.').to_ascii_lowercase(),
                machine: (*machine != "none").then(|| machine.to_string()),
            }),
            ["writes", "stop"] => Ok(Fault::Writes { start: None }),
            ["writes", "start", container, table, rate] => {
                let every_ms = rate
                    .split_once('/')
                    .and_then(|(n, unit)| {
                        let n: u64 = n.parse().ok().filter(|n| *n > 0)?;
                        let per_ms = match unit {
                            "s" => 1_000,
                            "m" | "min" => 60_000,
                            "h" => 3_600_000,
                            "d" => 86_400_000,
                            _ => return None,
                        };
                        Some(per_ms / n)
                    })
                    .filter(|ms| *ms > 0)
                    .ok_or_else(|| format!("rate must be like 1/h, 10/m or 2/s, got {rate:?}"))?;
                Ok(Fault::Writes {
                    start: Some((container.to_string(), table.to_string(), every_ms)),
                })
            }
            _ if Disaster::parse(&words).is_some() => {
                Ok(Fault::Disaster(Disaster::parse(&words).expect("checked")))
            }
            ["traffic", ..] => TrafficAction::parse(&words)
                .unwrap_or_else(|| Err(String::new()))
                .map(Fault::Traffic),
            _ if VotingAction::parse(&words).is_some() => VotingAction::parse(&words)
                .unwrap_or_else(|| Err(String::new()))
                .map(Fault::Voting),
            _ => Err(format!(
                "unknown fault {text:?}: try `crash NAME [CODE]`, `oom NAME`, `leak NAME 10M/s`, `busy NAME`, `reboot`, `kill NODE`, `start NODE`, `partition NODE…`, `heal`, `fill-disk NODE`, `free-disk NODE`, `dns NAME MACHINE`, `drop-table NAME`, `delete-volume NAME`, `corrupt-volume NAME`, `lose-disk [NODE]` or `ransomware`"
            )),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Fault::Crash {
                container,
                exit_code,
            } => format!("crash {container} {exit_code}"),
            Fault::OomKill { container } => format!("oom {container}"),
            Fault::Leak {
                container, rate, ..
            } => format!("leak {container} {rate}"),
            Fault::Reboot => "reboot".to_string(),
            Fault::FsBusy { container } => format!("busy {container}"),
            Fault::Machine { machine, up } => {
                format!("{} {machine}", if *up { "start" } else { "kill" })
            }
            Fault::Partition { machines } => format!("partition {}", machines.join(" ")),
            Fault::Heal => "heal".to_string(),
            Fault::NodeDisk { machine, full } => {
                format!(
                    "{} {machine}",
                    if *full { "fill-disk" } else { "free-disk" }
                )
            }
            Fault::Voting(action) => action.describe(),
            Fault::Traffic(action) => action.describe(),
            Fault::Dns { name, machine } => {
                format!("dns {name} {}", machine.as_deref().unwrap_or("none"))
            }
            Fault::Disaster(disaster) => disaster.describe(),
            Fault::Writes { start: None } => "writes stop".to_string(),
            Fault::Writes {
                start: Some((container, table, every_ms)),
            } => format!("writes start {container} {table} {}", rate_text(*every_ms)),
        }
    }
}

/// Clients send at most this many requests per second (src/sim/traffic/mod.rs).
pub const MAX_RATE_PER_S: u32 = 1000;

/// `! traffic start HOST:PORT RATE/s` / `! traffic start http(s)://NAME[:PORT]/PATH RATE/s` /
/// `! traffic stop`. A URL's name is resolved when the traffic starts (public DNS, a lab
/// machine, `*.localhost`) and sent as the `Host` header.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum TrafficAction {
    Start {
        host: String,
        port: u16,
        rate_per_s: u32,
        /// `Some((scheme, path))` for a URL target: requests carry `Host: host`.
        url: Option<(String, String)>,
    },
    Stop,
}

impl TrafficAction {
    /// The words after `!`: `None` when they are not a traffic line.
    pub fn parse(words: &[&str]) -> Option<Result<TrafficAction, String>> {
        match words {
            ["traffic", "stop"] => Some(Ok(TrafficAction::Stop)),
            ["traffic", "start", target, rest @ ..] => Some(parse_start(target, rest)),
            ["traffic", ..] => Some(Err(
                "try `traffic start NODE:PORT [RATE/s]` or `traffic stop`".to_string(),
            )),
            _ => None,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            TrafficAction::Start {
                host,
                port,
                rate_per_s,
                url: None,
            } => format!("traffic start {host}:{port} {rate_per_s}/s"),
            TrafficAction::Start {
                host,
                port,
                rate_per_s,
                url: Some((scheme, path)),
            } => {
                let default = if scheme == "https" { 443 } else { 80 };
                let port = if *port == default {
                    String::new()
                } else {
                    format!(":{port}")
                };
                format!("traffic start {scheme}://{host}{port}{path} {rate_per_s}/s")
            }
            TrafficAction::Stop => "traffic stop".to_string(),
        }
    }
}

fn parse_start(target: &str, rest: &[&str]) -> Result<TrafficAction, String> {
    let url = target
        .split_once("://")
        .filter(|(scheme, _)| matches!(*scheme, "http" | "https"))
        .map(|(scheme, rest)| {
            let (authority, path) = match rest.find('/') {
                Some(i) => (&rest[..i], &rest[i..]),
                None => (rest, "/"),
            };
            (scheme.to_string(), authority.to_string(), path.to_string())
        });
    let owned;
    let target = match &url {
        Some((scheme, authority, _)) if !authority.contains(':') => {
            owned = format!("{authority}:{}", if scheme == "https" { 443 } else { 80 });
            owned.as_str()
        }
        Some((_, authority, _)) => authority.as_str(),
        None => target.trim_end_matches('/'),
    };
    let (host, port) = target
        .rsplit_once(':')
        .ok_or_else(|| format!("traffic needs HOST:PORT, got {target:?}"))?;
    let port: u16 = port
        .parse()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| format!("bad port {port:?}"))?;
    let rate_per_s = match rest {
        [] => 10,
        [rate] => rate
            .trim_end_matches("/s")
            .parse::<u32>()
            .ok()
            .filter(|r| (1..=MAX_RATE_PER_S).contains(r))
            .ok_or_else(|| {
                format!("rate must be 1-{MAX_RATE_PER_S} requests per second, like 20/s")
            })?,
        _ => return Err("try `traffic start NODE:PORT [RATE/s]`".to_string()),
    };
    if host.is_empty() {
        return Err("traffic needs HOST:PORT".to_string());
    }
    Ok(TrafficAction::Start {
        host: host.to_string(),
        port,
        rate_per_s,
        url: url.map(|(scheme, _, path)| (scheme, path)),
    })
}

/// What a transcript's `! vote …` / `! results` asks for.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum VotingAction {
    Vote { option: String, count: u32 },
    Results,
}

impl VotingAction {
    /// `vote cats`, `vote dogs 3`, `results`; `None` when the words are not a voting action.
    pub fn parse(words: &[&str]) -> Option<Result<VotingAction, String>> {
        Some(match words {
            ["vote", option] => Ok(VotingAction::Vote {
                option: option.to_string(),
                count: 1,
            }),
            ["vote", option, n] => n
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .map(|count| VotingAction::Vote {
                    option: option.to_string(),
                    count,
                })
                .ok_or_else(|| format!("a vote count must be 1-1000, got {n:?}")),
            ["results"] => Ok(VotingAction::Results),
            _ => return None,
        })
    }

    pub fn describe(&self) -> String {
        match self {
            VotingAction::Vote { option, count } => format!("vote {option} {count}"),
            VotingAction::Results => "results".into(),
        }
    }
}

impl Input {
    /// The line as a transcript would write it.
    pub fn describe(&self) -> String {
        match self {
            Input::Command(line) => format!("$ {line}"),
            Input::Fault(fault) => format!("! {}", fault.describe()),
            Input::Advance { duration_ms } => {
                format!("wait {}", time::short_duration(*duration_ms))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_writer_fault_reads_back_what_it_describes() {
        for text in [
            "writes start db events 1/h",
            "writes start db t 10/m",
            "writes start db t 2/s",
            "writes stop",
        ] {
            let fault = Fault::parse(text).unwrap();
            assert_eq!(fault.describe(), text);
            assert_eq!(Fault::parse(&fault.describe()).unwrap(), fault);
        }
    }

    #[test]
    fn disasters_parse_and_describe_alike() {
        for text in [
            "drop-table notes",
            "delete-volume pgdata",
            "corrupt-volume pgdata",
            "lose-disk",
            "lose-disk node-1",
            "ransomware",
        ] {
            let words: Vec<&str> = text.split_whitespace().collect();
            assert_eq!(Disaster::parse(&words).unwrap().describe(), text);
        }
        assert!(Disaster::parse(&["lose-disk", "x", "y"]).is_none());
    }

    #[test]
    fn faults_parse() {
        assert_eq!(
            Fault::parse("crash web"),
            Ok(Fault::Crash {
                container: "web".into(),
                exit_code: 139
            })
        );
        assert_eq!(Fault::parse("reboot"), Ok(Fault::Reboot));
        assert!(Fault::parse("crash web 999").is_err());
        assert!(Fault::parse("explode").is_err());
    }
}
