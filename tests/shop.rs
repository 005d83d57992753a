//! The practice project's shop end to end through the terminal (src/sim/docker/shop.rs, the
//! `shop` project template in src/sim/hostfs.rs): its two images built in stages, nginx serving
//! the built page, the stack run by Compose on one host, the API's cache-aside over the real
//! Redis and PostgreSQL models (hits, misses, Redis down, the database down behind a cached key,
//! the TTL), orders written as rows, the health route and a busybox-wget healthcheck, the
//! password file in Node's words, the counters the pictures read, and requests from the traffic
//! generator through Traefik on a swarm.

mod common;

use common::Host;
use dockyard::sim::docker::container::Status;
use dockyard::sim::docker::health::HealthStatus;
use dockyard::sim::docker::shop::{ShopStats, shop_stats, shop_stats_total};

fn shop(seed: u64) -> Host {
    let mut world = dockyard::sim::World::new(seed);
    world.fs.seed_project("shop").unwrap();
    Host {
        timeline: dockyard::sim::Timeline::new(world),
    }
}

/// The template's stack under Compose (project `app`, the folder's name), once PostgreSQL and
/// the API have started.
fn stack_up(seed: u64) -> Host {
    let mut host = shop(seed);
    let out = host.run("docker compose -f stack.yml up -d");
    assert!(out.contains(" Service api  Built"), "{out}");
    assert!(out.contains(" Service web  Built"), "{out}");
    host.wait(15_000);
    let api = host.container("app-api-1");
    assert_eq!(
        api.state.status,
        Status::Running,
        "{}",
        host.logs("app-api-1")
    );
    assert!(api.listening);
    host
}

/// `curl -si` from the web container (nginx:alpine has curl) to the API by its service name.
fn api(host: &mut Host, path: &str) -> String {
    host.run(&format!(
        "docker exec app-web-1 curl -si http://api:3000{path}"
    ))
}

fn stats(host: &Host) -> ShopStats {
    let all = shop_stats(host.world());
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0].0, "app-api-1");
    all[0].1
}

#[test]
fn the_template_is_a_project_with_a_stack_file_compose_accepts() {
    let mut host = shop(1);
    let fs = &host.world().fs;
    for file in [
        "README.md",
        "stack.yml",
        "api/Dockerfile",
        "api/.dockerignore",
        "api/package.json",
        "api/package-lock.json",
        "api/server.js",
        "web/Dockerfile",
        "web/.dockerignore",
        "web/package.json",
        "web/index.html",
        "web/src/main.jsx",
        "web/src/App.jsx",
    ] {
        assert!(fs.read(file).is_ok(), "{file}");
    }
    let api_file = fs.read("api/Dockerfile").unwrap();
    assert!(api_file.contains("RUN npm ci --omit=dev"), "{api_file}");
    assert!(api_file.contains("USER node\nEXPOSE 3000\nCMD [\"node\", \"server.js\"]"));
    let web_file = fs.read("web/Dockerfile").unwrap();
    assert!(
        web_file
            .contains("FROM nginx:1.27-alpine\nCOPY --from=build /app/dist /usr/share/nginx/html")
    );
    assert!(
        fs.read("web/src/App.jsx")
            .unwrap()
            .contains("fetch('/api/products')")
    );
    let package: serde_json::Value =
        serde_json::from_str(fs.read("api/package.json").unwrap()).unwrap();
    for dependency in ["express", "pg", "redis"] {
        assert!(
            package["dependencies"][dependency].is_string(),
            "{dependency}"
        );
    }
    // The loader validates it against the compose schema; Compose keeps deploy: as data.
    let out = host.run("docker compose -f stack.yml config");
    assert!(
        out.contains("Host(`shop.localhost`) && PathPrefix(`/api`)"),
        "{out}"
    );
    assert!(
        out.contains("image: 127.0.0.1:5000/shop-api:latest"),
        "{out}"
    );
    assert!(!host.timeline.last_record().unwrap().error, "{out}");
}

#[test]
fn the_images_build_in_stages_and_nginx_serves_the_built_page() {
    let mut host = shop(2);
    let out = host.run("docker build -t shop-web ./web");
    assert!(
        out.contains("vite v5.4.11 building for production..."),
        "{out}"
    );
    assert!(out.contains("dist/index.html"), "{out}");
    assert!(
        out.contains("[stage-1 2/2] COPY --from=build /app/dist /usr/share/nginx/html"),
        "{out}"
    );
    let out = host.run("docker build -t shop-api ./api");
    assert!(
        out.contains("[stage-1 3/4] COPY --from=deps /app/node_modules ./node_modules"),
        "{out}"
    );
    assert!(
        out.contains("naming to docker.io/library/shop-api:latest done"),
        "{out}"
    );
    assert_eq!(
        host.run("docker image inspect -f '{{.Config.User}}' shop-api"),
        "node\n"
    );
    host.run("docker run -d --name web -p 8080:80 shop-web");
    host.wait(1_000);
    let page = host.run("curl http://localhost:8080/");
    assert!(page.contains("<title>Shop</title>"), "{page}");
    assert!(
        page.contains("<script type=\"module\" crossorigin src=\"/assets/index-"),
        "{page}"
    );
    assert!(!page.contains("Welcome to nginx"), "{page}");
    let missing = host.run("curl -i http://localhost:8080/nothing-here");
    assert!(missing.starts_with("HTTP/1.1 404 Not Found\n"), "{missing}");
    assert!(
        missing.contains("<center>nginx/1.27.3</center>"),
        "{missing}"
    );
    let listing = host.run("docker exec web ls /usr/share/nginx/html");
    assert!(
        listing.contains("assets") && listing.contains("index.html"),
        "{listing}"
    );
    // The API image holds the app and its dependencies, not what .dockerignore leaves out.
    host.run("docker run -d --name api shop-api");
    let app = host.run("docker exec api ls /app");
    for name in ["node_modules", "package.json", "server.js"] {
        assert!(app.contains(name), "{app}");
    }
    assert!(!app.contains("Dockerfile"), "{app}");
}

#[test]
fn compose_starts_the_stack_the_api_retries_the_database_and_seeds_its_tables() {
    let mut host = stack_up(3);
    let logs = host.logs("app-api-1");
    assert!(
        logs.starts_with(
            "shop-api: connecting to postgres at db:5432 (database shop, user shop)\n"
        ),
        "{logs}"
    );
    // Started together, PostgreSQL is still initialising at the first attempt.
    assert!(
        logs.contains("postgres at db:5432 not ready (attempt 1/5): connect ECONNREFUSED "),
        "{logs}"
    );
    assert!(
        logs.ends_with("connected to postgres at db:5432\nseeded 3 products\nconnected to redis at redis:6379\nshop-api listening on :3000\n"),
        "{logs}"
    );
    let count = host.run("docker exec app-db-1 psql -U shop -c 'SELECT count(*) FROM products'");
    assert!(count.contains("     3\n(1 row)"), "{count}");
    let check =
        dockyard::sim::check::Check::parse("table products in container app-db-1 has 3 rows")
            .unwrap();
    assert!(check.holds(host.world(), None));
}

#[test]
fn the_first_request_misses_the_second_hits_and_redis_holds_the_key() {
    let mut host = stack_up(4);
    let first = api(&mut host, "/api/products");
    assert!(first.starts_with("HTTP/1.1 200 OK\n"), "{first}");
    assert!(first.contains("X-Cache: MISS\n"), "{first}");
    assert!(
        first.contains("[{\"id\":1,\"name\":\"Espresso cup\",\"price_cents\":1200},"),
        "{first}"
    );
    let second = api(&mut host, "/api/products");
    assert!(second.contains("X-Cache: HIT\n"), "{second}");
    let value = host.run("docker exec app-redis-1 redis-cli GET products");
    assert!(
        value.starts_with("\"[{\\\"id\\\":1,\\\"name\\\":\\\"Espresso cup\\\""),
        "{value}"
    );
    assert_eq!(
        host.run("docker exec app-redis-1 redis-cli TTL products"),
        "(integer) 30\n"
    );
    host.wait(10_000);
    assert_eq!(
        host.run("docker exec app-redis-1 redis-cli TTL products"),
        "(integer) 20\n"
    );
    assert_eq!(
        stats(&host),
        ShopStats {
            cache_hits: 1,
            cache_misses: 1,
            cache_bypassed: 0,
            orders: 0
        }
    );
    assert_eq!(
        api(&mut host, "/api/stats")
            .trim_end()
            .rsplit('\n')
            .next()
            .unwrap(),
        "{\"cache_hits\":1,\"cache_misses\":1,\"cache_bypassed\":0,\"orders\":0}"
    );
    // morgan's `tiny` line per request.
    let logs = host.logs("app-api-1");
    assert_eq!(
        logs.matches("GET /api/products 200 160 - ").count(),
        2,
        "{logs}"
    );
    // After the TTL the key is gone: the next request misses again.
    host.wait(21_000);
    assert_eq!(
        host.run("docker exec app-redis-1 redis-cli GET products"),
        "(nil)\n"
    );
    assert!(api(&mut host, "/api/products").contains("X-Cache: MISS\n"));
    assert_eq!(stats(&host).cache_misses, 2);
}

#[test]
fn with_redis_down_the_api_answers_from_postgres_and_warns_once() {
    let mut host = stack_up(5);
    api(&mut host, "/api/products");
    host.run("docker stop app-redis-1");
    for _ in 0..2 {
        let out = api(&mut host, "/api/products");
        assert!(out.starts_with("HTTP/1.1 200 OK\n"), "{out}");
        assert!(out.contains("X-Cache: BYPASS\n"), "{out}");
        assert!(out.contains("Espresso cup"), "{out}");
    }
    let logs = host.logs("app-api-1");
    assert_eq!(
        logs.matches("warning: redis at redis:6379 unavailable (Error: getaddrinfo ENOTFOUND redis); answering from postgres without the cache").count(),
        1,
        "{logs}"
    );
    assert_eq!(stats(&host).cache_bypassed, 2);
    assert_eq!(host.container("app-api-1").state.status, Status::Running);
    // Redis saved its keys on the clean stop, with their TTL: back, it answers the key again.
    host.run("docker start app-redis-1");
    host.wait(1_000);
    assert!(api(&mut host, "/api/products").contains("X-Cache: HIT\n"));
    assert!(
        host.logs("app-api-1")
            .contains("redis at redis:6379 is back: caching again\n")
    );
}

#[test]
fn with_the_database_down_a_cached_key_still_answers_until_its_ttl_runs_out() {
    let mut host = stack_up(6);
    api(&mut host, "/api/products");
    host.run("docker stop app-db-1");
    let cached = api(&mut host, "/api/products");
    assert!(cached.starts_with("HTTP/1.1 200 OK\n"), "{cached}");
    assert!(cached.contains("X-Cache: HIT\n"), "{cached}");
    // The health route asks PostgreSQL: busybox wget turns the 503 into its error.
    let health = host.run("docker exec app-web-1 wget -qO- http://api:3000/api/health");
    assert_eq!(
        health,
        "wget: server returned error: HTTP/1.1 503 Service Unavailable\n"
    );
    host.wait(31_000);
    let gone = api(&mut host, "/api/products");
    assert!(
        gone.starts_with("HTTP/1.1 503 Service Unavailable\n"),
        "{gone}"
    );
    assert!(
        gone.ends_with("{\"error\":\"database unavailable\"}\n"),
        "{gone}"
    );
    assert!(
        host.logs("app-api-1")
            .contains("GET /api/products: getaddrinfo ENOTFOUND db\n"),
        "{}",
        host.logs("app-api-1")
    );
    host.run("docker start app-db-1");
    host.wait(5_000);
    assert!(api(&mut host, "/api/health").ends_with("{\"status\":\"ok\"}\n"));
    assert!(api(&mut host, "/api/products").contains("X-Cache: MISS\n"));
}

#[test]
fn an_order_is_a_row_psql_sees() {
    let mut host = stack_up(7);
    let out = host.run(
        "docker exec app-web-1 curl -si --json '{\"product_id\":2,\"quantity\":3}' http://api:3000/api/orders",
    );
    assert!(out.starts_with("HTTP/1.1 201 Created\n"), "{out}");
    assert!(
        out.ends_with("{\"id\":1,\"product_id\":2,\"quantity\":3}\n"),
        "{out}"
    );
    let out = host.run(
        "docker exec app-web-1 curl -s -X POST -H 'Content-Type: application/json' -d '{\"product_id\":1}' http://api:3000/api/orders",
    );
    assert_eq!(out, "{\"id\":2,\"product_id\":1,\"quantity\":1}\n");
    let rows = host.run("docker exec app-db-1 psql -U shop -c 'SELECT * FROM orders'");
    assert!(
        rows.contains("  2 |          1 |        1\n(2 rows)"),
        "{rows}"
    );
    assert_eq!(stats(&host).orders, 2);
    // `curl -d` alone sends a form, which express.json() does not read.
    let out = host.run("docker exec app-web-1 curl -s -d product_id=1 http://api:3000/api/orders");
    assert_eq!(
        out,
        "{\"error\":\"product_id and a positive quantity are required\"}\n"
    );
    host.run("docker stop app-db-1");
    let out = host.run(
        "docker exec app-web-1 curl -si --json '{\"product_id\":1}' http://api:3000/api/orders",
    );
    assert!(
        out.starts_with("HTTP/1.1 503 Service Unavailable\n"),
        "{out}"
    );
    assert_eq!(stats(&host).orders, 2);
}

#[test]
fn a_busybox_wget_healthcheck_follows_the_database() {
    let mut host = stack_up(8);
    host.run("docker run -d --name probe-api --network app_shop -p 3000:3000 -e DB_PASSWORD=shop-secret --health-cmd 'wget -qO- http://localhost:3000/api/health || exit 1' --health-interval 5s 127.0.0.1:5000/shop-api:latest");
    host.wait(12_000);
    let health = |host: &Host| {
        host.container("probe-api")
            .health
            .as_ref()
            .map(|h| h.status)
    };
    assert_eq!(health(&host), Some(HealthStatus::Healthy));
    // From the host, through the published port.
    let out = host.run("curl -i http://localhost:3000/api/health");
    assert!(out.starts_with("HTTP/1.1 200 OK\n"), "{out}");
    assert!(out.ends_with("{\"status\":\"ok\"}\n"), "{out}");
    host.run("docker stop app-db-1");
    host.wait(20_000);
    assert_eq!(health(&host), Some(HealthStatus::Unhealthy));
    let out = host.run("curl -f http://localhost:3000/api/health");
    assert_eq!(out, "curl: (22) The requested URL returned error: 503\n");
}

#[test]
fn a_missing_password_file_stops_node_with_enoent_and_a_wrong_one_fails_the_login() {
    let mut host = stack_up(9);
    host.run("docker run -d --name no-secret --network app_shop -e DB_PASSWORD_FILE=/run/secrets/db_password 127.0.0.1:5000/shop-api:latest");
    host.wait(1_000);
    let c = host.container("no-secret");
    assert_eq!((c.state.status, c.state.exit_code), (Status::Exited, 1));
    let logs = host.logs("no-secret");
    assert!(
        logs.contains(
            "Error: ENOENT: no such file or directory, open '/run/secrets/db_password'\n"
        ),
        "{logs}"
    );
    assert!(logs.contains("  code: 'ENOENT',\n"), "{logs}");
    assert!(logs.ends_with("Node.js v20.18.1\n"), "{logs}");
    // The file on a bind mount: the password in it logs in.
    host.run("mkdir secrets");
    host.run("echo shop-secret > secrets/db_password");
    host.run("echo wrong > secrets/wrong");
    host.run("docker run -d --name with-secret --network app_shop -v ./secrets/db_password:/run/secrets/db_password:ro -e DB_PASSWORD_FILE=/run/secrets/db_password 127.0.0.1:5000/shop-api:latest");
    host.run("docker run -d --name bad-secret --network app_shop -v ./secrets/wrong:/run/secrets/db_password:ro -e DB_PASSWORD_FILE=/run/secrets/db_password 127.0.0.1:5000/shop-api:latest");
    host.wait(12_000);
    assert!(
        host.container("with-secret").listening,
        "{}",
        host.logs("with-secret")
    );
    let bad = host.container("bad-secret");
    assert_eq!((bad.state.status, bad.state.exit_code), (Status::Exited, 1));
    let logs = host.logs("bad-secret");
    assert!(
        logs.contains("postgres at db:5432 not ready (attempt 4/5): password authentication failed for user \"shop\"; retrying in 2 s\n"),
        "{logs}"
    );
    assert!(
        logs.contains("error: password authentication failed for user \"shop\"\n"),
        "{logs}"
    );
    assert!(logs.contains("  code: '28P01',\n"), "{logs}");
}

#[test]
fn counters_live_in_the_process_and_start_again_from_zero() {
    let mut host = stack_up(10);
    api(&mut host, "/api/products");
    api(&mut host, "/api/products");
    assert_eq!(shop_stats_total(host.world()).cache_hits, 1);
    host.run("docker restart app-api-1");
    host.wait(5_000);
    assert_eq!(stats(&host), ShopStats::default());
    // The key outlived the API: the new process hits at once.
    assert!(api(&mut host, "/api/products").contains("X-Cache: HIT\n"));
}

#[test]
fn traffic_through_traefik_on_a_swarm_is_counted_request_by_request() {
    let mut world = dockyard::sim::World::new(11);
    dockyard::sim::swarm::setup::form(&mut world, 1, 0);
    world.fs.seed_project("shop").unwrap();
    let mut host = Host {
        timeline: dockyard::sim::Timeline::new(world),
    };
    // No registry here: the one node builds the images the stack names.
    host.run("docker build -q -t 127.0.0.1:5000/shop-api:latest ./api");
    host.run("docker build -q -t 127.0.0.1:5000/shop-web:latest ./web");
    host.run("docker stack deploy -c stack.yml shop");
    host.wait(40_000);
    let out = host.run("curl -i http://shop.localhost/api/products");
    assert!(out.contains("X-Cache: MISS\n"), "{out}");
    let page = host.run("curl http://shop.localhost/");
    assert!(page.contains("<title>Shop</title>"), "{page}");
    host.fault("traffic start http://shop.localhost/api/products 20/s");
    host.wait(5_000);
    let all = shop_stats(host.world());
    assert_eq!(all.len(), 1, "{all:?}");
    assert!(all[0].0.starts_with("shop_api.1."), "{all:?}");
    let s = all[0].1;
    assert_eq!(s.cache_misses, 1, "{s:?}");
    // Every request of every one-second bucket reached the API: 20 per second.
    let sent = host.world().traffic.sent;
    assert!(sent >= 60, "{sent}");
    assert_eq!(s.cache_hits, sent, "{s:?}");
}

#[test]
fn redis_keys_expire_and_keep_their_ttl_across_a_restart() {
    let mut host = Host::new(12);
    host.run("docker run -d --name cache redis:7");
    host.wait(1_000);
    assert_eq!(
        host.run("docker exec cache redis-cli SET k v EX 10"),
        "OK\n"
    );
    assert_eq!(
        host.run("docker exec cache redis-cli TTL k"),
        "(integer) 10\n"
    );
    assert_eq!(
        host.run("docker exec cache redis-cli TTL missing"),
        "(integer) -2\n"
    );
    host.run("docker exec cache redis-cli SET plain v");
    assert_eq!(
        host.run("docker exec cache redis-cli TTL plain"),
        "(integer) -1\n"
    );
    assert_eq!(
        host.run("docker exec cache redis-cli SET k v EX 0"),
        "(error) ERR invalid expire time in 'set' command\n"
    );
    host.wait(4_000);
    assert_eq!(
        host.run("docker exec cache redis-cli TTL k"),
        "(integer) 6\n"
    );
    host.run("docker restart cache");
    host.wait(1_000);
    let ttl = host.run("docker exec cache redis-cli PTTL k");
    assert!(ttl.starts_with("(integer) 4"), "{ttl}");
    host.wait(5_000);
    assert_eq!(host.run("docker exec cache redis-cli GET k"), "(nil)\n");
    assert_eq!(
        host.run("docker exec cache redis-cli DBSIZE"),
        "(integer) 1\n"
    );
}
