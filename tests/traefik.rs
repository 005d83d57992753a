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

/// traefik pkg/cli/deprecation.go (v2-to-v3 migration guide): v2's `providers.docker.swarmMode` stops v3 with the deprecation
/// loader's words; the container exits 1.
#[test]
fn v2_swarm_mode_flag_stops_traefik_v3_with_exit_1() {
    let mut host = Host::new(4);
    host.run("docker run -d --name proxy traefik:v3.7 --providers.docker.swarmMode=true");
    host.wait(2_000);
    let logs = host.run("docker logs proxy");
    assert!(
        logs.contains(
            "command traefik error: incompatible deprecated install configuration option found"
        ),
        "{logs}"
    );
    assert!(
        logs.contains("`swarmMode` option has been removed in v3"),
        "{logs}"
    );
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
    host.run(
        "docker run -d --name proxy traefik:v3.7 --providers.docker.swarmModeRefreshSeconds=30",
    );
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
    assert!(
        logs.contains("Cannot connect to the Docker daemon at unix:///var/run/docker.sock"),
        "{logs}"
    );
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

/// traefik swarm provider docs "Port Detection", config.go (tiangolo/dockerswarm.rocks#155): without the port label the swarm
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

/// traefik swarm provider docs, pswarm.go parseService: in swarm mode Traefik reads the service's labels (`deploy.labels`), never
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

/// traefik swarm provider docs "Docker API Access", moby cluster.go: the swarm API is only on managers; on a worker the provider logs the
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

/// traefik/traefik docs/content/user-guides/docker-compose/acme-http, as published (with its
/// staging line optionally turned on), in a project folder, after `! dns`.
fn acme_project(seed: u64, staging: bool) -> Host {
    acme_project_with(seed, staging, |t| t)
}

fn acme_project_with(seed: u64, staging: bool, edit: impl Fn(String) -> String) -> Host {
    let path = format!(
        "{}/tests/data/traefik/traefik-docs-acme-http/docker-compose.yml",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut text = edit(std::fs::read_to_string(path).expect("the compose file"));
    if staging {
        text = text.replace(
            "      #- \"--certificatesresolvers.myresolver.acme.caserver",
            "      - \"--certificatesresolvers.myresolver.acme.caserver",
        );
    }
    let mut world = dockyard::sim::World::new(seed);
    world.fs.write("compose.yaml", &text, false).expect("write");
    let mut host = Host {
        timeline: dockyard::sim::Timeline::new(world),
    };
    host.fault("dns whoami.example.com host");
    host
}

/// Let's Encrypt "Challenge Types" and traefik's ACME docs: HTTP-01 through port 80, a 90-day
/// certificate from the production CA, kept in acme.json.
#[test]
fn http01_gets_a_production_certificate_stored_in_acme_json() {
    let mut host = acme_project(11, false);
    let up = host.run("docker compose up -d");
    assert!(!up.contains("rror"), "{up}");
    host.wait(3_000);
    let out = host.run("curl -v https://whoami.example.com/");
    assert!(
        out.contains("*  issuer: C=US; O=Let's Encrypt; CN=R12"),
        "{out}"
    );
    assert!(
        out.contains("*  expire date: Apr  5 09:00:03 2026 GMT"),
        "{out}"
    );
    assert!(out.contains("Hostname: "), "{out}");
    let store = host.run("cat letsencrypt/acme.json");
    assert!(
        store.contains("\"main\": \"whoami.example.com\""),
        "{store}"
    );
}

/// The staging CA's chain is not trusted: curl refuses (exit 60) unless -k.
#[test]
fn a_staging_certificate_is_refused_by_curl_unless_insecure() {
    let mut host = acme_project(12, true);
    host.run("docker compose up -d");
    host.wait(3_000);
    let out = host.run("curl https://whoami.example.com/");
    assert!(
        out.contains("curl: (60) SSL certificate problem: unable to get local issuer certificate"),
        "{out}"
    );
    let out = host.run("curl -k https://whoami.example.com/");
    assert!(out.contains("Hostname: "), "{out}");
}

/// Boulder's NXDOMAIN problem, logged by Traefik; the router falls back to the default cert.
#[test]
fn without_a_dns_record_the_order_fails_and_traefik_serves_its_default_cert() {
    let mut host = acme_project(13, false);
    host.fault("dns whoami.example.com none");
    host.run("docker compose up -d");
    host.wait(3_000);
    let logs = host.run("docker logs traefik");
    assert!(
        logs.contains("Unable to obtain ACME certificate for domains"),
        "{logs}"
    );
    assert!(
        logs.contains("DNS problem: NXDOMAIN looking up A for whoami.example.com"),
        "{logs}"
    );
    let out = host
        .run("curl -k -v --resolve whoami.example.com:443:127.0.0.1 https://whoami.example.com/");
    assert!(out.contains("not simulate"), "{out}");
    let out = host.run("curl -H 'Host: whoami.example.com' https://localhost/");
    assert!(
        out.contains("curl: (60) SSL certificate problem: self-signed certificate"),
        "{out}"
    );
    let out = host.run("curl -k -v -H 'Host: whoami.example.com' https://localhost/");
    assert!(out.contains("subject: CN=TRAEFIK DEFAULT CERT"), "{out}");
    assert!(out.contains("Hostname: "), "{out}");
}

/// traefik ACME docs / provider.go getCertificateRenewDurations: renewed 30 days before expiry,
/// checked every 24 h.
#[test]
fn certificates_are_renewed_thirty_days_before_they_expire() {
    let mut host = acme_project(14, false);
    host.run("docker compose up -d");
    host.wait(3_000);
    host.wait(59 * 86_400_000);
    let out = host.run("curl -v https://whoami.example.com/");
    assert!(out.contains("start date: Jan  5"), "{out}");
    host.wait(2 * 86_400_000);
    let out = host.run("curl -v https://whoami.example.com/");
    assert!(
        out.contains("start date: Mar  6") || out.contains("start date: Mar  7"),
        "{out}"
    );
}

/// traefik local_store_unix.go CheckFile: a bind-mounted acme.json readable by others drops the
/// resolver (Traefik keeps running); `chmod 600` fixes it.
#[test]
fn an_acme_json_with_mode_644_drops_the_resolver_until_chmod_600() {
    let mut host = acme_project(15, false);
    let text = host.run("cat compose.yaml");
    assert!(text.contains("./letsencrypt:/letsencrypt"));
    host.run("mkdir letsencrypt");
    host.run("touch letsencrypt/acme.json");
    host.run("docker compose up -d");
    host.wait(3_000);
    let logs = host.run("docker logs traefik");
    assert!(
        logs.contains("The ACME resolve is skipped from the resolvers list error=\"unable to get ACME account: permissions 644 for /letsencrypt/acme.json are too open, please use 600\""),
        "{logs}"
    );
    assert!(
        logs.contains("Router uses a nonexistent certificate resolver"),
        "{logs}"
    );
    host.run("chmod 600 letsencrypt/acme.json");
    host.run("docker compose restart traefik");
    host.wait(15_000);
    let out = host.run("curl -v https://whoami.example.com/");
    assert!(out.contains("CN=R12"), "{out}");
}

/// Let's Encrypt rate limits: 5 certificates per exact set of names per 7 days; a Traefik that
/// loses acme.json at each start orders again each time.
#[test]
fn losing_acme_json_at_every_start_hits_the_duplicate_certificate_limit() {
    let mut host = acme_project_with(16, false, |text| {
        let without_volume = text.replace("      - \"./letsencrypt:/letsencrypt\"\n", "");
        assert_ne!(text, without_volume);
        without_volume
    });
    host.run("docker compose up -d");
    host.wait(5_000);
    for _ in 0..5 {
        host.run("docker compose up -d --force-recreate traefik");
        host.wait(5_000);
    }
    let logs = host.run("docker logs traefik");
    assert!(
        logs.contains("urn:ietf:params:acme:error:rateLimited"),
        "{logs}"
    );
    assert!(logs.contains("too many certificates (5) already issued for this exact set of identifiers in the last 168h0m0s"), "{logs}");
}

/// traefik's file provider docs: a dynamic file's routers and services (`@file`), referenced
/// by a docker-provider router's middleware as `NAME@file`; an edit applies at once (watch).
#[test]
fn the_file_provider_routes_to_its_servers_and_lends_middlewares_to_labels() {
    let mut host = Host::new(30);
    host.run("mkdir dynamic");
    host.run("docker network create web");
    host.run("docker run -d --name legacy --network web --network-alias legacy nginx:1.27");
    host.wait(2_000);
    let ip = host
        .world()
        .engine
        .by_name("legacy")
        .and_then(|c| c.networks.get("web"))
        .and_then(|e| e.ip_address.clone())
        .expect("legacy's address");
    let conf = format!(
        "http:\n  routers:\n    legacy:\n      rule: Host(`legacy.localhost`)\n      service: legacy\n  middlewares:\n    strip:\n      stripPrefix:\n        prefixes: [/app]\n  services:\n    legacy:\n      loadBalancer:\n        servers:\n          - url: http://{ip}:80\n"
    );
    host.run(&format!("cat > dynamic/conf.yml <<'EOF'\n{conf}EOF"));
    host.run("docker run -d --name traefik --network web -p 80:80 -v /var/run/docker.sock:/var/run/docker.sock:ro -v ./dynamic:/dynamic traefik:v3.7 --providers.docker --providers.file.directory=/dynamic --entrypoints.web.address=:80");
    host.run("docker run -d --name whoami --network web -l 'traefik.http.routers.w.rule=Host(`w.localhost`)' -l traefik.http.routers.w.middlewares=strip@file traefik/whoami");
    host.wait(2_000);
    let out = host.run("curl http://legacy.localhost/");
    assert!(out.contains("Welcome to nginx!"), "{out}");
    let out = host.run("curl http://w.localhost/app/orders");
    assert!(out.contains("GET /orders HTTP/1.1"), "{out}");
    assert!(out.contains("X-Forwarded-Prefix: /app"), "{out}");
}

/// traefik pkg/cli/loader_file.go: with no `--configFile`, Traefik reads
/// `/etc/traefik/traefik.yml` when it exists, and then ignores its flags.
#[test]
fn a_traefik_yml_in_etc_traefik_is_the_static_configuration() {
    let mut host = Host::new(31);
    host.run("mkdir conf");
    host.run("cat > conf/traefik.yml <<'EOF'\nentryPoints:\n  web:\n    address: \":80\"\nproviders:\n  docker:\n    exposedByDefault: false\napi:\n  insecure: true\nEOF");
    host.run("docker run -d --name traefik -p 80:80 -p 8080:8080 -v /var/run/docker.sock:/var/run/docker.sock:ro -v ./conf:/etc/traefik traefik:v3.7 --providers.swarm");
    host.run("docker run -d --name whoami -l traefik.enable=true -l 'traefik.http.routers.w.rule=Host(`w.localhost`)' traefik/whoami");
    host.wait(2_000);
    let out = host.run("curl http://w.localhost/");
    assert!(out.contains("Hostname: "), "{out}");
    let out = host.run("curl http://localhost:8080/api/http/routers");
    assert!(out.contains("w@docker"), "{out}");
    // A key the file has that v3 does not know stops Traefik with the file loader's words.
    host.run("cat > conf/traefik.yml <<'EOF'\nproviders:\n  docker:\n    swarmModeRefreshSeconds: 30\nEOF");
    host.run("docker restart traefik");
    host.wait(3_000);
    let logs = host.run("docker logs traefik");
    assert!(
        logs.contains("field not found, node: swarmModeRefreshSeconds"),
        "{logs}"
    );
}

/// traefik load-balancing docs, Sticky Sessions: the answer sets a cookie naming the server;
/// a client that sends it back stays on that server.
#[test]
fn a_sticky_cookie_keeps_a_client_on_its_server() {
    let stack = STACK.replace(
        "        - traefik.http.services.whoami.loadbalancer.server.port=80\n",
        "        - traefik.http.services.whoami.loadbalancer.server.port=80\n        - traefik.http.services.whoami.loadbalancer.sticky.cookie.name=lb\n",
    );
    let mut host = swarm_with(&stack);
    host.run("docker stack deploy -c stack.yml app");
    host.wait(60_000);
    let first = host.run("curl -i http://whoami.localhost/");
    let cookie = first
        .lines()
        .find_map(|l| l.strip_prefix("Set-Cookie: "))
        .and_then(|c| c.split(';').next())
        .unwrap_or_else(|| panic!("no Set-Cookie:\n{first}"))
        .to_string();
    assert!(cookie.starts_with("lb="), "{cookie}");
    let hostname = |s: &str| {
        s.lines()
            .find(|l| l.starts_with("Hostname: "))
            .unwrap_or("")
            .to_string()
    };
    let a = host.run(&format!("curl -b '{cookie}' http://whoami.localhost/"));
    let b = host.run(&format!("curl -b '{cookie}' http://whoami.localhost/"));
    assert_eq!(hostname(&a), hostname(&first), "{a}");
    assert_eq!(hostname(&b), hostname(&first), "{b}");
    let c = host.run("curl http://whoami.localhost/");
    let d = host.run("curl http://whoami.localhost/");
    assert_ne!(
        hostname(&c),
        hostname(&d),
        "without the cookie, round robin"
    );
}

/// traefik serverstransport docs (dialTimeout 30 s) and proxy.go: a server address on a network
/// Traefik is not attached to never answers; after 30 s the client gets 504 Gateway Timeout.
#[test]
fn a_server_on_a_network_traefik_is_not_on_times_out_with_504_after_30_s() {
    let mut host = Host::new(32);
    host.run("docker network create front");
    host.run("docker network create back");
    host.run("docker run -d --name traefik --network front -p 80:80 -v /var/run/docker.sock:/var/run/docker.sock:ro traefik:v3.7 --providers.docker --entrypoints.web.address=:80");
    host.run("docker run -d --name api --network back -l 'traefik.http.routers.api.rule=Host(`api.localhost`)' traefik/whoami");
    host.wait(2_000);
    let before = host.now();
    let out = host.run("curl -i http://api.localhost/");
    assert!(out.contains("HTTP/1.1 504 Gateway Timeout"), "{out}");
    assert!(
        host.now() - before >= 30_000,
        "answered after {} ms",
        host.now() - before
    );
}

/// traefik swarm provider docs ("Traefik will randomly pick one" network without a setting) and
/// serverstransport's 30 s dial timeout: a service on two overlays, Traefik on one of them; the
/// address on the other times out (504) until `traefik.swarm.network` names the shared one
/// (with its stack prefix).
#[test]
fn a_service_on_two_networks_needs_traefik_swarm_network() {
    let stack = STACK
        .replace(
            "  whoami:\n    image: traefik/whoami:v1.11\n    networks: [proxy]\n",
            "  whoami:\n    image: traefik/whoami:v1.11\n    networks: [backend, proxy]\n",
        )
        .replace(
            "networks:\n  proxy:\n    driver: overlay\n",
            "networks:\n  backend:\n    driver: overlay\n  proxy:\n    driver: overlay\n",
        );
    let mut host = swarm_with(&stack);
    host.run("docker stack deploy -c stack.yml app");
    host.wait(60_000);
    let out = host.run("curl -i http://whoami.localhost/");
    assert!(out.contains("504 Gateway Timeout"), "{out}");
    host.run("docker service update -d --label-add traefik.swarm.network=app_proxy app_whoami");
    host.wait(20_000);
    let out = host.run("curl http://whoami.localhost/");
    assert!(out.contains("Hostname: "), "{out}");
}

/// traefik proxy.go and the load balancers: a server that refuses is `502 Bad Gateway`, a
/// service whose health check removed every server is `503 no available server`; the
/// ratelimit middleware answers 429 past its burst; headers and chain middlewares; ping.
#[test]
fn bad_gateway_no_available_server_rate_limit_headers_chain_and_ping() {
    let mut host = Host::new(33);
    host.run("docker network create web");
    host.run("docker run -d --name traefik --network web -p 80:80 -p 8080:8080 -v /var/run/docker.sock:/var/run/docker.sock:ro traefik:v3.7 --providers.docker --entrypoints.web.address=:80 --ping");
    // whoami listens on 80, the label says 8080.
    host.run("docker run -d --name wrongport --network web -l 'traefik.http.routers.wp.rule=Host(`wp.localhost`)' -l traefik.http.services.wp.loadbalancer.server.port=8080 traefik/whoami");
    // dockyard/web:2.2 answers /health with 500: the health check removes its only server.
    host.run("docker run -d --name sick --network web -l 'traefik.http.routers.sick.rule=Host(`sick.localhost`)' -l traefik.http.services.sick.loadbalancer.healthcheck.path=/health dockyard/web:2.2");
    host.run("docker run -d --name limited --network web -l 'traefik.http.routers.lim.rule=Host(`lim.localhost`)' -l traefik.http.routers.lim.middlewares=both -l traefik.http.middlewares.both.chain.middlewares=rl,hdr -l traefik.http.middlewares.rl.ratelimit.average=1 -l traefik.http.middlewares.rl.ratelimit.burst=2 -l traefik.http.middlewares.hdr.headers.customresponseheaders.X-Served-By=dockyard traefik/whoami");
    host.wait(3_000);
    let out = host.run("curl -i http://wp.localhost/");
    assert!(out.contains("HTTP/1.1 502 Bad Gateway"), "{out}");
    let out = host.run("curl -i http://sick.localhost/");
    assert!(out.contains("HTTP/1.1 503 Service Unavailable"), "{out}");
    assert!(out.contains("no available server"), "{out}");
    let first = host.run("curl -i http://lim.localhost/");
    assert!(first.contains("X-Served-By: dockyard"), "{first}");
    host.run("curl -i http://lim.localhost/");
    let third = host.run("curl -i http://lim.localhost/");
    assert!(third.contains("HTTP/1.1 429 Too Many Requests"), "{third}");
    host.wait(2_000);
    let later = host.run("curl -i http://lim.localhost/");
    assert!(later.contains("HTTP/1.1 200 OK"), "{later}");
    let ping = host.run("curl http://localhost:8080/ping");
    assert_eq!(ping.trim(), "OK");
}

/// traefik config.go keepContainer: a container whose healthcheck is `starting` is not routed
/// (404) until it turns healthy.
#[test]
fn a_starting_container_is_not_routed_until_healthy() {
    let mut host = Host::new(34);
    host.run("docker network create web");
    host.run("docker run -d --name traefik --network web -p 80:80 -v /var/run/docker.sock:/var/run/docker.sock:ro traefik:v3.7 --providers.docker --entrypoints.web.address=:80");
    host.run("docker run -d --name web --network web --health-cmd 'curl -f http://localhost/ || exit 1' --health-interval 10s -l 'traefik.http.routers.web.rule=Host(`web.localhost`)' nginx:1.27");
    host.wait(2_000);
    let out = host.run("curl -i http://web.localhost/");
    assert!(out.contains("404 page not found"), "{out}");
    host.wait(10_000);
    let out = host.run("curl http://web.localhost/");
    assert!(out.contains("Welcome to nginx!"), "{out}");
}

/// Odd lines about Traefik never panic and never change the world when refused.
#[test]
fn odd_traefik_and_curl_lines_never_panic() {
    let mut host = Host::new(35);
    quick_start(&mut host);
    for line in [
        "curl",
        "curl -H",
        "curl --nope http://localhost/",
        "curl ftp://localhost/",
        "curl http://:80/",
        "curl http://[::1]:80/",
        "curl http://localhost:99999/",
        "curl -H 'Host' http://localhost/",
        "curl -u : http://whoami.localhost/",
        "curl -u 'a' http://whoami.localhost/",
        "curl -b '=' http://whoami.localhost/",
        "curl -X '' http://whoami.localhost/",
        "curl -k https://whoami.localhost/",
        "curl -L http://whoami.localhost/",
        "curl http://whoami.localhost/?a=%zz&b",
        "curl 'http://whoami.localhost/#frag'",
        "curl http://é.localhost/",
        "export",
        "export 1A=b",
        "export A",
        "unset NOPE",
        "echo ${",
        "echo $",
        "docker run -d traefik:v3.7 --entrypoints.web.address",
        "docker run -d traefik:v3.7 --providers.docker.exposedbydefault=maybe",
        "docker run -d traefik:v3.7 --log.level=LOUD",
        "docker run -d traefik:v2.11 --providers.docker.swarmMode=nope",
        "docker run -d -l 'traefik.http.routers.x.rule=Host(' traefik/whoami",
        "docker run -d -l 'traefik.http.routers.x.priority=-9999999999999999999999' traefik/whoami",
        "docker run -d -l traefik.http.middlewares.m.ratelimit.average=-1 traefik/whoami",
        "docker run -d -l traefik.http.services.s.loadbalancer.server.port=notaport traefik/whoami",
    ] {
        let _ = host.run(line);
    }
    host.wait(5_000);
    let _ = host.run("curl http://whoami.localhost/");
    for fault in [
        "dns",
        "dns a",
        "dns a nowhere",
        "traffic start https:// 5/s",
        "traffic start http://x:y/ 5/s",
    ] {
        assert!(
            dockyard::sim::Fault::parse(fault).is_err() || {
                let _ = host.fault(fault);
                true
            }
        );
    }
}
