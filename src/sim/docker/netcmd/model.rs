//! `docker network …` as typed: the request the docker CLI sends, and how its flags become one.
//!
//! docker/cli's `cli/command/network/*.go` turn flags and arguments into one API request per
//! subcommand. This module is that typed request and its building (the flags this page refuses
//! as not simulated, `--expose` ranges). It is a leaf (it imports nothing above it), so the
//! docker CLI's typed requests (src/sim/docker/cli.rs) can hold a network command without
//! importing its execution, which runs over the world in src/sim/docker/netcmd/mod.rs.

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum NetworkCommand {
    Create {
        name: String,
        driver: String,
        internal: bool,
        attachable: bool,
        subnet: Option<String>,
        labels: Vec<String>,
    },
    Ls {
        quiet: bool,
    },
    Inspect {
        names: Vec<String>,
        format: Option<String>,
    },
    Rm {
        names: Vec<String>,
        force: bool,
    },
    Prune {
        force: bool,
    },
    Connect {
        network: String,
        container: String,
        aliases: Vec<String>,
    },
    Disconnect {
        network: String,
        container: String,
    },
}

/// Flags this page refuses rather than ignores, per subcommand.
const NOT_SIMULATED: &[(&str, &str)] = &[
    ("network create", "opt"),
    ("network create", "gateway"),
    ("network create", "ip-range"),
    ("network create", "ipv6"),
    ("network ls", "filter"),
    ("network ls", "format"),
    ("network inspect", "verbose"),
    ("network prune", "filter"),
    ("network connect", "ip"),
    ("network connect", "link"),
];

/// Builds the command from the parsed flags (long name, value) and arguments; `Err(flag)` names
/// a real flag this page does not simulate.
pub fn build(
    name: &str,
    flags: &[(&str, String)],
    args: Vec<String>,
) -> Result<NetworkCommand, String> {
    let value = |long: &str| {
        flags
            .iter()
            .rev()
            .find(|(l, _)| *l == long)
            .map(|(_, v)| v.clone())
    };
    let on = |long: &str| value(long).is_some_and(|v| v != "false");
    let values = |long: &str| -> Vec<String> {
        flags
            .iter()
            .filter(|(l, _)| *l == long)
            .map(|(_, v)| v.clone())
            .collect()
    };
    if let Some((_, flag)) = NOT_SIMULATED
        .iter()
        .find(|(command, flag)| *command == name && value(flag).is_some())
    {
        return Err(format!("--{flag}"));
    }
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    Ok(match name {
        "network create" => NetworkCommand::Create {
            name: arg(0),
            driver: value("driver").unwrap_or_else(|| "bridge".to_string()),
            internal: on("internal"),
            attachable: on("attachable"),
            subnet: value("subnet"),
            labels: values("label"),
        },
        "network ls" => NetworkCommand::Ls { quiet: on("quiet") },
        "network inspect" => NetworkCommand::Inspect {
            names: args.clone(),
            format: value("format"),
        },
        "network rm" => NetworkCommand::Rm {
            names: args.clone(),
            force: on("force"),
        },
        "network prune" => NetworkCommand::Prune { force: on("force") },
        "network connect" => NetworkCommand::Connect {
            network: arg(0),
            container: arg(1),
            aliases: values("alias"),
        },
        _ => NetworkCommand::Disconnect {
            network: arg(0),
            container: arg(1),
        },
    })
}

/// `--expose 3000`, `--expose 3000/tcp`, `--expose 7000-7002`: the ports, in order.
pub fn parse_expose(values: &[String]) -> Result<Vec<u16>, String> {
    let mut ports = Vec::new();
    for raw in values {
        let port = raw.split('/').next().unwrap_or_default();
        let (low, high) = port.split_once('-').unwrap_or((port, port));
        // docker/cli `opts/parse.go`: "invalid range format for --expose: %s, error: %s".
        let bad = |part: &str| {
            format!(
                "invalid range format for --expose: {raw}, error: strconv.ParseUint: parsing \"{part}\": invalid syntax"
            )
        };
        let low: u16 = low.parse().map_err(|_| bad(low))?;
        let high: u16 = high.parse().map_err(|_| bad(high))?;
        for p in low..=high.max(low) {
            if !ports.contains(&p) {
                ports.push(p);
            }
        }
    }
    Ok(ports)
}
