//! Traefik v3 as the program of the `traefik` image, through the terminal: its static
//! configuration from flags, its docker and swarm providers, routing, middlewares and what curl
//! sees (traefik/traefik `pkg/server/router`, `pkg/proxy/httputil/proxy.go`, the provider docs;
//! docs/FIDELITY.md "Traefik").

mod common;

use common::Host;

/// The Traefik docs' "Docker and Traefik quick start": Traefik with the docker provider, and
/// whoami routed by Host.
fn quick_start(host: &mut Host) {
    host.run("docker network create web");
    let out = host.run(
        "docker run -d --name traefik --network web -p 80:80 -p 8080:8080 -v /var/run/docker.sock:/var/run/docker.sock:ro traefik:v3.7 --api.insecure=true --providers.docker=true --providers.docker.exposedbydefault=false --entrypoints.web.address=:80",
    );
    assert!(!out.contains("Error"), "{out}");
    let out = host.run(
        "docker run -d --name whoami --network web -l traefik.enable=true -l 'traefik.http.routers.whoami.rule=Host(`whoami.localhost`)' -l traefik.http.routers.whoami.entrypoints=web traefik/whoami",
    );
    assert!(!out.contains("Error"), "{out}");
    host.wait(2_000);
}

#[test]
fn docker_provider_routes_by_host_header_and_404s_the_rest() {
    let mut host = Host::new(1);
    quick_start(&mut host);
    let out = host.run("curl -H 'Host: whoami.localhost' http://localhost/");
    assert!(out.contains("Hostname: "), "{out}");
    assert!(out.contains("X-Forwarded-Host: whoami.localhost"), "{out}");
    // curl resolves *.localhost to the loopback address itself.
    let out = host.run("curl http://whoami.localhost/");
    assert!(out.contains("GET / HTTP/1.1"), "{out}");
    // traefik/traefik mux.go: no router matches → Go's NotFoundHandler.
    let out = host.run("curl -i http://localhost/");
    assert!(out.contains("HTTP/1.1 404 Not Found"), "{out}");
    assert!(out.contains("404 page not found"), "{out}");
}

#[test]
fn a_stopped_backend_drops_its_router_at_once_with_the_docker_provider() {
    let mut host = Host::new(2);
    quick_start(&mut host);
    host.run("docker stop whoami");
    host.wait(12_000);
    let out = host.run("curl -i http://whoami.localhost/");
    assert!(out.contains("404 page not found"), "{out}");
    host.run("docker start whoami");
    host.wait(1_000);
    let out = host.run("curl http://whoami.localhost/");
    assert!(out.contains("Hostname:"), "{out}");
}

#[test]
fn the_insecure_api_lists_routers_on_8080() {
    let mut host = Host::new(3);
    quick_start(&mut host);
    let out = host.run("curl http://localhost:8080/api/http/routers");
    assert!(out.contains("whoami@docker"), "{out}");
    assert!(out.contains("Host(`whoami.localhost`)"), "{out}");
}

/// PRODUCTION topic A2: v2's `providers.docker.swarmMode` stops v3 with the deprecation
/// loader's words; the container exits 1.
#[test]
fn v2_swarm_mode_flag_stops_traefik_v3_with_exit_1() {
    let mut host = Host::new(4);
    host.run("docker run -d --name proxy traefik:v3.7 --providers.docker.swarmMode=true");
    host.wait(2_000);
    let logs = host.run("docker logs proxy");
    assert!(
        logs.contains("command traefik error: incompatible deprecated install configuration option found"),
        "{logs}"
    );
    assert!(logs.contains("`swarmMode` option has been removed in v3"), "{logs}");
    let ps = host.run("docker ps -a");
    assert!(ps.contains("Exited (1)"), "{ps}");
    // The same flags on v2.11 start.
    host.run("docker run -d --name old traefik:v2.11 --providers.docker.swarmMode=true");
    host.wait(2_000);
    let ps = host.run("docker ps");
    assert!(ps.contains("old"), "{ps}");
}

#[test]
fn unknown_static_flag_is_refused_by_paerser() {
    let mut host = Host::new(5);
    host.run("docker run -d --name proxy traefik:v3.7 --providers.docker.swarmModeRefreshSeconds=30");
    host.wait(2_000);
    let logs = host.run("docker logs proxy");
    assert!(
        logs.contains("command traefik error: failed to decode configuration from flags: field not found, node: swarmModeRefreshSeconds"),
        "{logs}"
    );
}

#[test]
fn without_the_socket_the_docker_provider_logs_and_routes_nothing() {
    let mut host = Host::new(6);
    host.run("docker run -d --name traefik -p 80:80 traefik:v3.7 --providers.docker");
    host.run("docker run -d --name whoami -l 'traefik.http.routers.w.rule=Host(`w.localhost`)' traefik/whoami");
    host.wait(1_000);
    let out = host.run("curl http://w.localhost/");
    assert!(out.contains("404 page not found"), "{out}");
    let logs = host.run("docker logs traefik");
    assert!(logs.contains("Cannot connect to the Docker daemon at unix:///var/run/docker.sock"), "{logs}");
}

/// A swarm of 1 manager and 2 workers with `stack.yml` written in the project folder.
fn swarm_with(stack: &str) -> Host {
    let mut world = dockyard::sim::World::new(7);
    dockyard::sim::swarm::setup::form(&mut world, 1, 2);
    world.fs.write("stack.yml", stack, false).expect("write");
    Host {
        timeline: dockyard::sim::Timeline::new(world),
    }
}

const STACK: &str = r#"services:
  traefik:
    image: traefik:v3.7
    command:
      - --providers.swarm.exposedbydefault=false
      - --entrypoints.web.address=:80
      - --accesslog=true
    ports:
      - "80:80"
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
    networks: [proxy]
    deploy:
      placement:
        constraints: [node.role == manager]
  whoami:
    image: traefik/whoami:v1.11
    networks: [proxy]
    deploy:
      replicas: 2
      labels:
        - traefik.enable=true
        - traefik.http.routers.whoami.rule=Host(`whoami.localhost`)
        - traefik.http.services.whoami.loadbalancer.server.port=80
networks:
  proxy:
    driver: overlay
"#;

/// traefik pswarm.go: the swarm provider balances over the running tasks' IPs itself.
#[test]
fn swarm_provider_balances_over_task_ips() {
    let mut host = swarm_with(STACK);
    let out = host.run("docker stack deploy -c stack.yml app");
    assert!(out.contains("Creating service app_whoami"), "{out}");
    host.wait(60_000);
    let a = host.run("curl http://whoami.localhost/");
    let b = host.run("curl http://whoami.localhost/");
    let hostname = |s: &str| s.lines().next().unwrap_or_default().to_string();
    assert!(a.starts_with("Hostname: "), "{a}");
    assert_ne!(hostname(&a), hostname(&b), "{a}\n{b}");
    let logs = host.run("docker service logs app_traefik");
    assert!(logs.contains("\"whoami@swarm\" \"http://10.0."), "{logs}");
}

/// PRODUCTION A3/A7 (tiangolo/dockerswarm.rocks#155): without the port label the swarm
/// provider skips the service (`port is missing`), so the client gets 404, not 502.
#[test]
fn swarm_service_without_port_label_is_skipped_with_port_is_missing() {
    let mut host = swarm_with(&STACK.replace(
        "        - traefik.http.services.whoami.loadbalancer.server.port=80\n",
        "",
    ));
    host.run("docker stack deploy -c stack.yml app");
    host.wait(60_000);
    let out = host.run("curl -i http://whoami.localhost/");
    assert!(out.contains("404 page not found"), "{out}");
    let logs = host.run("docker service logs app_traefik");
    assert!(
        logs.contains("error=\"service \\\"app_whoami\\\" error: port is missing\"")
            || logs.contains("port is missing"),
        "{logs}"
    );
}

/// PRODUCTION A3: in swarm mode Traefik reads the service's labels (`deploy.labels`), never
/// the containers'.
#[test]
fn container_labels_are_invisible_to_the_swarm_provider() {
    let stack = STACK.replace(
        "    deploy:\n      replicas: 2\n      labels:\n",
        "    deploy:\n      replicas: 2\n    labels:\n",
    );
    let mut host = swarm_with(&stack);
    host.run("docker stack deploy -c stack.yml app");
    host.wait(60_000);
    let out = host.run("curl -i http://whoami.localhost/");
    assert!(out.contains("404 page not found"), "{out}");
}

/// traefik pswarm.go: the swarm provider polls every refreshSeconds (15 s); a new service is
/// only routed after the next poll.
#[test]
fn swarm_changes_reach_traefik_at_the_next_poll() {
    let mut host = swarm_with(STACK);
    host.run("docker stack deploy -c stack.yml app");
    host.wait(60_000);
    host.run("docker service create -d --name api --network app_proxy -l traefik.enable=true -l 'traefik.http.routers.api.rule=Host(`api.localhost`)' -l traefik.http.services.api.loadbalancer.server.port=80 traefik/whoami");
    host.wait(3_000);
    let early = host.run("curl -i http://api.localhost/");
    assert!(early.contains("404 page not found"), "{early}");
    host.wait(15_000);
    let late = host.run("curl http://api.localhost/");
    assert!(late.starts_with("Hostname: "), "{late}");
}

/// PRODUCTION A1: the swarm API is only on managers; on a worker the provider logs the
/// daemon's refusal and routes nothing.
#[test]
fn swarm_provider_on_a_worker_logs_the_daemons_refusal() {
    let stack = STACK.replace("node.role == manager", "node.role == worker");
    let mut host = swarm_with(&stack);
    host.run("docker stack deploy -c stack.yml app");
    host.wait(60_000);
    let logs = host.run("docker service logs app_traefik");
    assert!(
        logs.contains("This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state."),
        "{logs}"
    );
}
