//! The network-isolation model end to end through the terminal: `docker network …`, `--network`,
//! and the network tools inside `docker exec` (src/sim/docker/{network,netcmd,dns,reach,probe}.rs).

mod common;

use common::Host;

fn two_networks(seed: u64) -> Host {
    let mut host = Host::new(seed);
    host.run("docker network create front");
    host.run("docker network create back");
    host.run("docker run -d --name api --network back node:20 node server.js");
    host.run("docker run -d --name web --network front nginx");
    host.wait(1_000);
    host
}

#[test]
fn a_network_with_running_containers_cannot_be_removed() {
    let mut host = two_networks(1);
    let id = host.world().engine.networks["back"].id.clone();
    assert_eq!(
        host.run("docker network rm back"),
        format!(
            "Error response from daemon: error while removing network: network back id {id} has active endpoints\n"
        )
    );
    // A stopped container is not an active endpoint: the network goes, and the container's next
    // start fails because its network is gone.
    host.run("docker stop -t 0 api");
    assert_eq!(host.run("docker network rm back"), "back\n");
    let out = host.run("docker start api");
    assert!(out.contains("network back not found"), "{out}");
    assert_eq!(host.container("api").state.error, "network back not found");
}

#[test]
fn connect_and_disconnect_change_who_resolves_whom() {
    let mut host = two_networks(2);
    assert!(
        host.run("docker exec web wget -qO- http://api:3000")
            .contains("wget: bad address 'api'")
    );
    assert_eq!(
        host.run("docker network connect --alias notes front api"),
        ""
    );
    assert!(
        host.run("docker exec web wget -qO- http://notes:3000")
            .contains("notes")
    );
    assert!(
        host.run("docker network connect front api")
            .contains("endpoint with name api already exists in network front")
    );
    assert_eq!(host.run("docker network disconnect front api"), "");
    let id = host.container("api").id.0.clone();
    assert_eq!(
        host.run("docker network disconnect front api"),
        format!("Error response from daemon: container {id} is not connected to network front\n")
    );
    assert!(
        host.run("docker exec web curl http://api:3000")
            .contains("curl: (6) Could not resolve host: api")
    );
}

#[test]
fn stopping_releases_the_address_and_the_lowest_free_one_is_reused() {
    let mut host = Host::new(3);
    host.run("docker network create app");
    host.run("docker run -d --name one --network app nginx");
    host.run("docker run -d --name two --network app nginx");
    let ip = |host: &Host, name: &str| host.container(name).networks["app"].ip_address.clone();
    assert_eq!(ip(&host, "one").as_deref(), Some("172.18.0.2"));
    assert_eq!(ip(&host, "two").as_deref(), Some("172.18.0.3"));
    host.run("docker stop -t 0 one");
    assert_eq!(ip(&host, "one"), None);
    host.run("docker run -d --name three --network app nginx");
    assert_eq!(ip(&host, "three").as_deref(), Some("172.18.0.2"));
    host.run("docker start one");
    assert_eq!(ip(&host, "one").as_deref(), Some("172.18.0.4"));
}

#[test]
fn cli_and_daemon_errors_use_dockers_words() {
    let mut host = Host::new(4);
    assert!(
        host.run("docker run --network nope nginx")
            .contains("Error response from daemon: network nope not found")
    );
    assert!(host.run("docker run --network-alias db nginx").contains(
        "network-scoped alias is supported only for containers in user defined networks"
    ));
    assert_eq!(
        host.run("docker network inspect nope"),
        "[]\nError response from daemon: network nope not found\n"
    );
    assert!(
        host.run("docker network create --gateway 10.0.0.1 x")
            .contains("does not simulate it yet")
    );
    assert!(host.run("docker network prune").contains(
        "WARNING! This will remove all custom networks not used by at least one container."
    ));
    host.run("docker network create idle");
    assert_eq!(
        host.run("docker network prune -f"),
        "Deleted Networks:\nidle\n\n"
    );
    assert!(host.world().engine.networks.contains_key("bridge"));
}

#[test]
fn expose_documents_a_port_and_opens_nothing() {
    let mut host = Host::new(5);
    host.run("docker network create app");
    host.run("docker run -d --name box --network app --expose 3000 nginx");
    host.run("docker run -d --name client --network app nginx");
    host.wait(1_000);
    assert!(host.container("box").config.exposed_ports.contains(&3000));
    let out = host.run("docker exec client curl http://box:3000");
    assert!(
        out.contains("curl: (7) Failed to connect to box port 3000 after 0 ms"),
        "{out}"
    );
    // The port nginx really listens on is reachable without any EXPOSE or -p.
    assert!(
        host.run("docker exec client curl http://box")
            .contains("Welcome to nginx!")
    );
}

#[test]
fn hostname_flag_names_the_container_to_itself() {
    let mut host = Host::new(6);
    host.run("docker network create app");
    host.run("docker run -d --name box --network app -h myhost nginx");
    assert_eq!(host.run("docker exec box hostname"), "myhost\n");
    assert_eq!(
        host.run("docker exec box getent hosts myhost"),
        "172.18.0.2      myhost\n"
    );
}
