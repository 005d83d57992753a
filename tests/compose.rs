//! `docker compose config`: the Compose file written in the project folder is found, parsed,
//! interpolated, validated and printed as Compose prints it, and every mistake gets compose-go's
//! words with nothing changed.

mod common;

use common::Host;

/// Writes a file in the project folder the way a learner does (`cat > FILE <<'EOF'`).
fn write(host: &mut Host, name: &str, text: &str) {
    let out = host.run(&format!("cat > {name} <<'EOF'\n{text}EOF"));
    assert_eq!(out, "", "writing {name}");
}

fn config(text: &str) -> String {
    let mut host = Host::new(1);
    write(&mut host, "compose.yaml", text);
    host.run("docker compose config")
}

#[test]
fn a_small_file_is_printed_in_long_form_with_defaults() {
    let out = config(
        "services:\n  web:\n    image: nginx:1.25\n    ports:\n      - \"8080:80\"\n    depends_on: [api]\n  api:\n    build: ./api\n    command: node server.js\n    environment:\n      - DB_HOST=db\n",
    );
    assert_eq!(
        out,
        "name: app
services:
  api:
    build:
      context: /home/learner/app/api
      dockerfile: Dockerfile
    command:
      - node
      - server.js
    environment:
      DB_HOST: db
    networks:
      default: null
  web:
    depends_on:
      api:
        condition: service_started
        required: true
    image: nginx:1.25
    networks:
      default: null
    ports:
      - mode: ingress
        target: 80
        published: \"8080\"
        protocol: tcp
networks:
  default:
    name: app_default
"
    );
}

#[test]
fn project_name_from_flag_then_name_key_then_folder() {
    let mut host = Host::new(1);
    write(
        &mut host,
        "compose.yaml",
        "name: shop\nservices:\n  web:\n    image: nginx\nvolumes:\n  data:\n",
    );
    let out = host.run("docker compose config");
    assert!(out.starts_with("name: shop\n"), "{out}");
    assert!(out.contains("name: shop_default"), "{out}");
    assert!(out.contains("  data:\n    name: shop_data"), "{out}");
    let out = host.run("docker compose -p demo config");
    assert!(out.starts_with("name: demo\n"), "{out}");
    let out = host.run("docker compose -p Demo config");
    assert!(out.contains("invalid project name \"Demo\": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number"), "{out}");
}

#[test]
fn no_file_and_a_named_file() {
    let mut host = Host::new(1);
    let out = host.run("docker compose config");
    assert_eq!(out, "no configuration file provided: not found\n");
    let out = host.run("docker compose -f prod.yaml config");
    assert_eq!(
        out,
        "open /home/learner/app/prod.yaml: no such file or directory\n"
    );
    write(
        &mut host,
        "prod.yaml",
        "services:\n  web:\n    image: nginx\n",
    );
    let out = host.run("docker compose -f prod.yaml config --services");
    assert_eq!(out, "web\n");
}

#[test]
fn version_is_obsolete_but_accepted() {
    let out = config("version: \"3.8\"\nservices:\n  web:\n    image: nginx\n");
    assert!(out.starts_with("WARN[0000] /home/learner/app/compose.yaml: the attribute `version` is obsolete, it will be ignored, please remove it to avoid potential confusion\n"), "{out}");
    assert!(out.contains("image: nginx"), "{out}");
}

#[test]
fn variables_come_from_dot_env() {
    let mut host = Host::new(1);
    write(&mut host, ".env", "TAG=1.25\nPORT=8080\n");
    write(
        &mut host,
        "compose.yaml",
        "services:\n  web:\n    image: nginx:${TAG:-latest}\n    ports: [\"${PORT}:80\"]\n    environment:\n      PRICE: $$5\n      MODE: ${MODE-dev}\n      MISSING: ${NOPE}\n",
    );
    let out = host.run("docker compose config");
    assert!(
        out.starts_with(
            "WARN[0000] The \"NOPE\" variable is not set. Defaulting to a blank string.\n"
        ),
        "{out}"
    );
    assert!(out.contains("image: nginx:1.25"), "{out}");
    assert!(out.contains("published: \"8080\""), "{out}");
    assert!(out.contains("PRICE: $5"), "{out}");
    assert!(out.contains("MODE: dev"), "{out}");
    assert!(out.contains("MISSING: \"\""), "{out}");
}

#[test]
fn required_variable_and_bad_template() {
    let out = config("services:\n  web:\n    image: ${IMAGE:?set IMAGE in .env}\n");
    assert_eq!(
        out,
        "error while interpolating services.web.image: required variable IMAGE is missing a value: set IMAGE in .env\n"
    );
    let out = config("services:\n  web:\n    image: nginx\n    command: echo $ 5\n");
    // compose-go interpolation.go newPathError: three lines.
    assert!(
        out.contains(
            "invalid interpolation format for services.web.command.\nYou may need to escape any $ with another $.\necho $ 5"
        ),
        "{out}"
    );
}

#[test]
fn unknown_key_and_wrong_type_with_line_and_column() {
    let mut host = Host::new(1);
    write(
        &mut host,
        "compose.yaml",
        "services:\n  web:\n    imgae: nginx\n",
    );
    let rec = host.sh("docker compose config");
    let out = common::output(&rec);
    assert_eq!(
        out,
        "validating /home/learner/app/compose.yaml: services.web additional properties 'imgae' not allowed\n"
    );
    assert!(
        rec.narration.iter().any(|n| n.contains("line 3, column 5")),
        "{:?}",
        rec.narration
    );
    let out = config("services:\n  web:\n    image: nginx\n    ports: \"80:80\"\n");
    assert_eq!(
        out,
        "validating /home/learner/app/compose.yaml: services.web.ports must be a array\n"
    );
}

#[test]
fn bad_yaml_and_duplicate_keys_name_their_line() {
    let out = config("services:\n  web:\n    image: nginx\n    image: httpd\n");
    assert!(
        out.starts_with("failed to parse /home/learner/app/compose.yaml: yaml: "),
        "{out}"
    );
    assert!(out.contains("line 4"), "{out}");
    let out = config("services:\n  web: [\n");
    assert!(
        out.starts_with("failed to parse /home/learner/app/compose.yaml: yaml: "),
        "{out}"
    );
    let out = config("- web\n");
    assert_eq!(out, "top-level object must be a mapping\n");
}

#[test]
fn references_must_exist() {
    let out = config("services:\n  web:\n    image: nginx\n    networks: [back]\n");
    assert_eq!(
        out,
        "service \"web\" refers to undefined network back: invalid compose project\n"
    );
    let out = config(
        "services:\n  db:\n    image: postgres\n    volumes: [\"data:/var/lib/postgresql/data\"]\n",
    );
    assert_eq!(
        out,
        "service \"db\" refers to undefined volume data: invalid compose project\n"
    );
    let out = config("services:\n  web:\n    image: nginx\n    depends_on: [db]\n");
    assert_eq!(
        out,
        "service \"web\" depends on undefined service \"db\": invalid compose project\n"
    );
    let out = config("services:\n  web:\n    image: nginx\n    secrets: [key]\n");
    assert_eq!(
        out,
        "service \"web\" refers to undefined secret key: invalid compose project\n"
    );
    let out = config("services:\n  web:\n    environment: {A: b}\n");
    assert_eq!(
        out,
        "service \"web\" has neither an image nor a build context specified: invalid compose project\n"
    );
}

#[test]
fn dependency_cycles_are_refused() {
    let out = config(
        "services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on:\n      c: {condition: service_healthy}\n  c:\n    image: x\n    depends_on: [a]\n",
    );
    assert_eq!(out, "dependency cycle detected: a -> b -> c -> a\n");
}

#[test]
fn long_forms_and_the_rest_of_the_service_keys() {
    let out = config(
        "services:
  db:
    image: postgres:16
    healthcheck:
      test: [\"CMD\", \"pg_isready\"]
      interval: 5s
      timeout: 3s
      retries: 5
      start_period: 10s
      start_interval: 1s
    restart: unless-stopped
    labels: [\"tier=back\"]
    logging:
      driver: json-file
      options: {max-size: 10m, max-file: \"3\"}
    user: postgres
    working_dir: /data
    stop_grace_period: 30s
    expose: [\"5432\"]
    volumes:
      - type: volume
        source: pgdata
        target: /var/lib/postgresql/data
      - ./init:/docker-entrypoint-initdb.d:ro
    networks:
      back:
        aliases: [database]
    secrets: [pw]
    deploy:
      resources: {limits: {memory: 512M}}
  api:
    build:
      context: .
      target: prod
      args: {NODE_ENV: production}
    entrypoint: [\"node\"]
    env_file: .env.api
    ports:
      - target: 3000
        published: 3000
        host_ip: 127.0.0.1
    networks: [back]
    depends_on:
      db:
        condition: service_healthy
        restart: true
volumes:
  pgdata:
networks:
  back:
    internal: true
secrets:
  pw:
    file: ./pw.txt
",
    );
    for want in [
        "      test:\n        - CMD\n        - pg_isready\n      timeout: 3s\n      interval: 5s\n      retries: 5\n      start_period: 10s\n      start_interval: 1s",
        "    labels:\n      tier: back",
        "      options:\n        max-file: \"3\"\n        max-size: 10m",
        "      - type: bind\n        source: /home/learner/app/init\n        target: /docker-entrypoint-initdb.d\n        read_only: true\n        bind:\n          create_host_path: true",
        "      - type: volume\n        source: pgdata\n        target: /var/lib/postgresql/data\n        volume: {}",
        "      back:\n        aliases:\n          - database",
        "    deploy:\n      resources:",
        "      context: /home/learner/app\n      dockerfile: Dockerfile\n      args:\n        NODE_ENV: production\n      target: prod",
        "      - mode: ingress\n        host_ip: 127.0.0.1\n        target: 3000\n        published: \"3000\"\n        protocol: tcp",
        "      db:\n        condition: service_healthy\n        restart: true\n        required: true",
        "    env_file:\n      - path: /home/learner/app/.env.api\n        required: true",
        "  back:\n    name: app_back\n    internal: true",
        "  pw:\n    name: app_pw\n    file: /home/learner/app/pw.txt",
        "    restart: unless-stopped\n",
        "    stop_grace_period: 30s\n",
    ] {
        assert!(out.contains(want), "missing\n{want}\nin\n{out}");
    }
}

#[test]
fn errors_change_nothing() {
    let mut host = Host::new(1);
    write(
        &mut host,
        "compose.yaml",
        "services:\n  web:\n    imgae: nginx\n",
    );
    let before = host.world().clone();
    host.run("docker compose config");
    assert_eq!(host.world().engine, before.engine);
    assert_eq!(host.world().fs, before.fs);
}

#[test]
fn subcommands_not_simulated_are_refused_by_name() {
    let mut host = Host::new(1);
    let out = host.run("docker compose pause");
    assert!(
        out.contains("`docker compose pause` is real Compose but not simulated"),
        "{out}"
    );
    let out = host.run("docker compose config --bogus");
    assert_eq!(out, "unknown flag: --bogus\n");
}

/// dockersamples/example-voting-app's compose.yml (tests/data, source URL inside) loads.
#[test]
fn the_voting_app_loads() {
    let text = include_str!("data/example-voting-app.compose.yml");
    let out = config(text);
    assert!(!out.contains("WARN"), "{out}");
    for want in [
        "name: app\n",
        "  vote:\n    build:\n      context: /home/learner/app/vote\n",
        "    command:\n      - nodemon\n      - server.js\n",
        "      redis:\n        condition: service_healthy\n        required: true\n",
        "      test:\n        - CMD-SHELL\n        - /healthchecks/redis.sh\n      interval: 5s\n",
        "  back-tier:\n    name: app_back-tier\n",
        "  db-data:\n    name: app_db-data\n",
    ] {
        assert!(out.contains(want), "missing\n{want}\nin\n{out}");
    }
    assert!(!out.contains("default:"), "{out}");
}

/// Its older docker-compose.yml (with `version: "3"` and container_name) loads with the warning.
#[test]
fn the_old_voting_app_loads_with_the_version_warning() {
    let mut host = Host::new(1);
    write(
        &mut host,
        "docker-compose.yml",
        include_str!("data/example-voting-app-v3.docker-compose.yml"),
    );
    let out = host.run("docker compose config");
    assert!(
        out.starts_with(
            "WARN[0000] /home/learner/app/docker-compose.yml: the attribute `version` is obsolete"
        ),
        "{out}"
    );
    assert!(out.contains("    container_name: redis\n"), "{out}");
    assert!(
        out.contains("      - mode: ingress\n        target: 6379\n        protocol: tcp\n"),
        "{out}"
    );
}

/// docker/awesome-compose's react-express-mysql (tests/data, source URL inside): build args as a
/// list, unquoted `80:8080` ports (a string in YAML 1.2), an anonymous volume, a file secret.
#[test]
fn awesome_compose_react_express_mysql_loads() {
    let out = config(include_str!(
        "data/awesome-compose-react-express-mysql.compose.yaml"
    ));
    for want in [
        "      context: /home/learner/app/backend\n      dockerfile: Dockerfile\n      args:\n        NODE_ENV: development\n      target: development\n",
        "      - mode: ingress\n        target: 8080\n        published: \"80\"\n        protocol: tcp\n",
        "    command:\n      - --default-authentication-plugin=mysql_native_password\n",
        "      - type: volume\n        target: /code/node_modules\n        volume: {}\n",
        "    secrets:\n      - source: db-password\n",
        "  db-password:\n    name: app_db-password\n    file: /home/learner/app/db/password.txt\n",
        "  back-notused:\n    name: app_back-notused\n",
    ] {
        assert!(out.contains(want), "missing\n{want}\nin\n{out}");
    }
}

/// compose-go prints `environment` before `env_file` (ServiceConfig's field order).
#[test]
fn environment_comes_before_env_file() {
    let out =
        config("services:\n  web:\n    image: x\n    env_file: [a.env]\n    environment: [A=1]\n");
    assert!(
        out.contains("    environment:\n      A: \"1\"\n    env_file:\n      - path: /home/learner/app/a.env\n"),
        "{out}"
    );
}

/// docker/compose pkg/e2e: a mistyped subcommand is `unknown docker command: "compose donw"`.
#[test]
fn a_mistyped_subcommand_docker_compose_e2e() {
    let mut host = Host::new(1);
    assert_eq!(
        host.run("docker compose donw"),
        "unknown docker command: \"compose donw\"\n"
    );
}
