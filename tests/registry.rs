//! A private registry: `docker tag`, `docker push`, and images that travel between the nodes of
//! a swarm through the `registry` image (src/sim/docker/registry/).
//!
//! Sources: moby `distribution/push.go` ("The push refers to repository [%s]", "An image does not
//! exist locally with the tag: %s") and `push_v2.go` ("tag does not exist: %s", "Pushed",
//! "Layer already exists", "Mounted from %s", "%s: digest: %s size: %d"); docker/cli
//! `cli/command/image/push.go` ("Using default tag:", "tag can't be used with --all-tags/-a") and
//! moby's client `ImageTag` ("Error parsing reference: %q is not a valid repository/tag",
//! "refusing to create a tag with a digest reference"); docker/docs#13915 and
//! vfarcic/books-ms#51 for the dial error of a registry that is not there; Docker's "Deploy a
//! stack to a swarm" guide for the flow (a `registry:2` service on published port 5000, images
//! named `127.0.0.1:5000/…`); moby `daemon/cluster/services.go` (`imageWithDigestString`,
//! `digestWarning`) for the digest a manager pins; SwarmKit's dockerapi controller (a failed
//! pull only logged, then `No such image: …` from the create rejects the task).

mod common;
use common::{Host, output};
use dockyard::sim::swarm::task::TaskState;

fn swarm(seed: u64) -> Host {
    let mut world = dockyard::sim::World::new(seed);
    dockyard::sim::swarm::setup::form(&mut world, 1, 2);
    Host {
        timeline: dockyard::sim::Timeline::new(world),
    }
}

/// `./api`: an nginx image with one page, built on the terminal's machine as `tag`.
fn build_api(h: &mut Host, tag: &str) {
    h.run("mkdir api");
    h.run("cat > api/Dockerfile <<EOF\nFROM nginx:1.27-alpine\nCOPY index.html /usr/share/nginx/html/\nEOF");
    h.run("cat > api/index.html <<EOF\n<h1>shop</h1>\nEOF");
    let out = h.run(&format!("docker build -t {tag} ./api"));
    assert!(out.contains("naming to "), "{out}");
}

fn stack_file(h: &mut Host, image: &str) {
    h.run(&format!(
        "cat > stack.yml <<EOF\nservices:\n  api:\n    image: {image}\n    ports:\n      - \"8080:80\"\n    deploy:\n      replicas: 3\nEOF"
    ));
}

/// The service's running tasks, by node hostname.
fn running_on(h: &Host, service: &str) -> Vec<String> {
    let w = h.world();
    let svc = w
        .swarm
        .services
        .values()
        .find(|s| s.spec.name == service)
        .expect("service");
    let mut hosts: Vec<String> = w
        .swarm
        .tasks
        .iter()
        .filter(|t| t.service_id == svc.id && t.state == TaskState::Running)
        .filter_map(|t| w.swarm.nodes.get(t.node_id.as_ref()?))
        .map(|n| n.hostname.clone())
        .collect();
    dockyard::sim::order::sort(&mut hosts);
    hosts
}

fn task_errors(h: &Host, service: &str) -> Vec<String> {
    let w = h.world();
    let svc = w
        .swarm
        .services
        .values()
        .find(|s| s.spec.name == service)
        .expect("service");
    w.swarm
        .tasks
        .iter()
        .filter(|t| t.service_id == svc.id && t.state == TaskState::Rejected)
        .map(|t| t.error.clone())
        .collect()
}

fn is_digest_line(line: &str, tag: &str) -> bool {
    let Some(rest) = line.strip_prefix(&format!("{tag}: digest: sha256:")) else {
        return false;
    };
    let Some((hex, size)) = rest.split_once(" size: ") else {
        return false;
    };
    hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit()) && size.parse::<u32>().is_ok()
}

/// A single host: `docker run -d -p 5000:5000 --name registry registry:2`, the docs' own
/// example, serving the API and taking a push.
fn single_host_registry() -> Host {
    let mut h = Host::new(2);
    h.run("docker run -d -p 5000:5000 --name registry registry:2");
    h.wait(2_000);
    h
}

#[test]
fn push_prints_each_layer_top_first_then_the_digest() {
    let mut h = single_host_registry();
    h.run("docker pull nginx:1.27");
    assert_eq!(h.run("docker tag nginx:1.27 127.0.0.1:5000/web:1.0"), "");
    let layers: Vec<String> = h
        .world()
        .engine
        .images
        .get("nginx:1.27")
        .expect("pulled")
        .layers()
        .iter()
        .rev()
        .map(|(hex, _)| hex[..12].to_string())
        .collect();
    let out = h.run("docker push 127.0.0.1:5000/web:1.0");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "The push refers to repository [127.0.0.1:5000/web]"
    );
    for (line, layer) in lines[1..=layers.len()].iter().zip(&layers) {
        assert_eq!(*line, format!("{layer}: Pushed"));
    }
    assert!(is_digest_line(lines[layers.len() + 1], "1.0"), "{out}");
    assert_eq!(lines.len(), layers.len() + 2, "{out}");
    let first_digest = lines[layers.len() + 1].to_string();
    // Again: every layer is there, and the same image has the same digest.
    let again = h.run("docker push 127.0.0.1:5000/web:1.0");
    assert_eq!(
        again.matches(": Layer already exists").count(),
        layers.len(),
        "{again}"
    );
    assert!(again.ends_with(&format!("{first_digest}\n")), "{again}");
    // Another repository of the same registry: the blobs are mounted, not uploaded again.
    h.run("docker tag nginx:1.27 127.0.0.1:5000/other:1.0");
    let other = h.run("docker push 127.0.0.1:5000/other:1.0");
    assert_eq!(
        other.matches(": Mounted from web").count(),
        layers.len(),
        "{other}"
    );
    // The API lists what was pushed; the registry logged the requests.
    assert_eq!(
        h.run("curl http://127.0.0.1:5000/v2/_catalog"),
        "{\"repositories\":[\"other\",\"web\"]}\n"
    );
    assert_eq!(
        h.run("curl http://localhost:5000/v2/web/tags/list"),
        "{\"name\":\"web\",\"tags\":[\"1.0\"]}\n"
    );
    assert!(
        h.run("curl http://127.0.0.1:5000/v2/nope/tags/list")
            .contains("\"code\":\"NAME_UNKNOWN\"")
    );
    assert_eq!(h.run("curl http://127.0.0.1:5000/v2/"), "{}\n");
    let logs = h.logs("registry");
    assert!(
        logs.contains("\"PUT /v2/web/manifests/1.0 HTTP/1.1\" 201 0"),
        "{logs}"
    );
    assert!(logs.contains("level=info msg=\"listening on [::]:5000\" go.version=go1.20.8"));
    assert!(
        h.run("docker exec registry ls /var/lib/registry/docker/registry/v2/repositories")
            .contains("web")
    );
}

#[test]
fn push_and_pull_without_a_registry_fail_with_the_dial_error() {
    let mut h = Host::new(3);
    h.run("docker pull alpine:3.20");
    h.run("docker tag alpine:3.20 127.0.0.1:5000/tools:1");
    let before = h.world().engine.clone();
    let r = h.sh("docker push 127.0.0.1:5000/tools:1");
    assert!(r.error);
    assert_eq!(
        output(&r),
        "The push refers to repository [127.0.0.1:5000/tools]\nGet \"http://127.0.0.1:5000/v2/\": dial tcp 127.0.0.1:5000: connect: connection refused\n"
    );
    assert!(h.world().engine == before, "a refused push changes nothing");
    h.run("docker tag alpine:3.20 localhost:5000/tools:1");
    assert!(h.run("docker push localhost:5000/tools:1").contains(
        "Get \"http://localhost:5000/v2/\": dial tcp [::1]:5000: connect: connection refused"
    ));
    assert_eq!(
        h.run("docker pull 127.0.0.1:5000/tools:2"),
        "Error response from daemon: Get \"http://127.0.0.1:5000/v2/\": dial tcp 127.0.0.1:5000: connect: connection refused\n"
    );
    // A registry that was removed is just as absent.
    h.run("docker run -d -p 5000:5000 --name registry registry:2");
    h.wait(1_000);
    assert!(
        h.run("docker push 127.0.0.1:5000/tools:1")
            .contains(": Pushed")
    );
    h.run("docker rm -f registry");
    assert!(
        h.run("docker pull 127.0.0.1:5000/tools:1")
            .contains("connect: connection refused")
    );
}

#[test]
fn push_refusals_are_the_daemons_and_the_clis_words() {
    let mut h = single_host_registry();
    h.run("docker pull alpine:3.20");
    let r = h.sh("docker push 127.0.0.1:5000/nothing:1.0");
    assert!(r.error);
    assert_eq!(
        output(&r),
        "The push refers to repository [127.0.0.1:5000/nothing]\nAn image does not exist locally with the tag: 127.0.0.1:5000/nothing\n"
    );
    h.run("docker tag alpine:3.20 127.0.0.1:5000/tools:1");
    assert_eq!(
        h.run("docker push 127.0.0.1:5000/tools"),
        "Using default tag: latest\nThe push refers to repository [127.0.0.1:5000/tools]\ntag does not exist: 127.0.0.1:5000/tools:latest\n"
    );
    assert_eq!(
        h.run("docker push -a 127.0.0.1:5000/tools:1"),
        "tag can't be used with --all-tags/-a\n"
    );
    assert_eq!(
        h.run("docker push -q 127.0.0.1:5000/tools:1"),
        "127.0.0.1:5000/tools:1\n"
    );
    // Docker Hub: this lab has no `docker login`.
    h.run("docker tag alpine:3.20 acme/tools:1");
    let hub = h.run("docker push acme/tools:1");
    assert!(
        hub.starts_with("The push refers to repository [docker.io/acme/tools]\n"),
        "{hub}"
    );
    assert!(hub.contains(": Preparing\n"), "{hub}");
    assert!(
        hub.ends_with("denied: requested access to the resource is denied\n"),
        "{hub}"
    );
    assert!(
        h.run("docker image push 127.0.0.1:5000/tools:1")
            .contains("1: digest: sha256:")
    );
}

#[test]
fn tag_prints_nothing_and_refuses_in_dockers_words() {
    let mut h = Host::new(4);
    h.run("docker pull alpine:3.20");
    let r = h.sh("docker tag nope 127.0.0.1:5000/x:1");
    assert!(r.error);
    assert_eq!(
        output(&r),
        "Error response from daemon: No such image: nope:latest\n"
    );
    assert_eq!(
        h.run("docker tag alpine:3.20 Shop"),
        "Error parsing reference: \"Shop\" is not a valid repository/tag: invalid reference format: repository name (library/Shop) must be lowercase\n"
    );
    let digest = format!("sha256:{}", "a".repeat(64));
    assert_eq!(
        h.run(&format!("docker tag alpine:3.20 tools@{digest}")),
        "refusing to create a tag with a digest reference\n"
    );
    assert!(
        h.run("docker tag alpine:3.20")
            .contains("docker: 'docker tag' requires 2 arguments")
    );
    assert_eq!(h.run("docker image tag alpine:3.20 tools:1"), "");
    let id = h
        .world()
        .engine
        .images
        .get("alpine:3.20")
        .unwrap()
        .id
        .clone();
    assert_eq!(h.world().engine.images.get("tools:1").unwrap().id, id);
    // By ID, too: another name for the same image.
    assert_eq!(h.run(&format!("docker tag {} tools:2", &id[..12])), "");
    let images = h.run("docker images");
    assert!(
        images
            .lines()
            .any(|l| l.starts_with("tools ") && l.contains(" 2 ")),
        "{images}"
    );
}

#[test]
fn a_pushed_image_runs_on_every_node_through_its_own_port_5000() {
    let mut h = swarm(5);
    build_api(&mut h, "127.0.0.1:5000/shop-api:1.0");
    h.run("docker service create --name registry --publish published=5000,target=5000 registry:2");
    assert_eq!(running_on(&h, "registry").len(), 1);
    let out = h.run("docker push 127.0.0.1:5000/shop-api:1.0");
    assert!(out.contains(": Pushed"), "{out}");
    stack_file(&mut h, "127.0.0.1:5000/shop-api:1.0");
    let deploy = h.run("docker stack deploy -c stack.yml shop");
    assert!(!deploy.contains("could not be accessed"), "{deploy}");
    h.wait(30_000);
    assert_eq!(running_on(&h, "shop_api"), ["node-1", "node-2", "node-3"]);
    assert!(task_errors(&h, "shop_api").is_empty());
    // The manager pinned the digest the push printed; the CLI's lists leave it out.
    let digest = out
        .lines()
        .find_map(|l| l.strip_prefix("1.0: digest: "))
        .and_then(|l| l.split(' ').next())
        .unwrap()
        .to_string();
    let image = h.run(
        "docker service inspect --format '{{.Spec.TaskTemplate.ContainerSpec.Image}}' shop_api",
    );
    assert_eq!(image, format!("127.0.0.1:5000/shop-api:1.0@{digest}\n"));
    assert!(
        h.run("docker service ls")
            .contains("127.0.0.1:5000/shop-api:1.0   *:8080->80/tcp")
    );
    // node-2 pulled it through its own 127.0.0.1:5000 (the mesh).
    assert!(
        h.run("ssh node-2 docker images")
            .contains("127.0.0.1:5000/shop-api   1.0")
    );
    assert!(
        h.run("curl http://127.0.0.1:5000/v2/_catalog")
            .contains("{\"repositories\":[\"shop-api\"]}")
    );
    // Deploying the same file again pins the same digest: no task is replaced.
    let tasks = h.world().swarm.tasks.len();
    h.run("docker stack deploy -c stack.yml shop");
    h.wait(10_000);
    assert_eq!(h.world().swarm.tasks.len(), tasks);
}

#[test]
fn a_never_pushed_image_runs_only_on_the_node_that_built_it() {
    let mut h = swarm(6);
    build_api(&mut h, "shop-api:1.0");
    stack_file(&mut h, "shop-api:1.0");
    let deploy = h.run("docker stack deploy -c stack.yml shop");
    assert!(
        deploy.contains("image shop-api:1.0 could not be accessed on a registry to record\nits digest. Each node will access shop-api:1.0 independently,\npossibly leading to different nodes running different\nversions of the image."),
        "{deploy}"
    );
    h.wait(30_000);
    assert_eq!(running_on(&h, "shop_api"), ["node-1"]);
    let errors = task_errors(&h, "shop_api");
    assert!(!errors.is_empty());
    assert!(
        errors.iter().all(|e| e == "No such image: shop-api:1.0"),
        "{errors:?}"
    );
    let ps = h.run("docker service ps shop_api");
    assert!(ps.contains("\"No such image: shop-api:1.0\""), "{ps}");
    assert!(h.run("docker service ls").contains("1/3"));
}

#[test]
fn an_image_named_for_a_registry_that_is_not_there_runs_only_where_it_was_built() {
    let mut h = swarm(7);
    build_api(&mut h, "127.0.0.1:5000/shop-api:1.0");
    stack_file(&mut h, "127.0.0.1:5000/shop-api:1.0");
    let deploy = h.run("docker stack deploy -c stack.yml shop");
    assert!(
        deploy.contains("could not be accessed on a registry"),
        "{deploy}"
    );
    h.wait(30_000);
    assert_eq!(running_on(&h, "shop_api"), ["node-1"]);
    assert!(
        task_errors(&h, "shop_api")
            .iter()
            .all(|e| e == "No such image: 127.0.0.1:5000/shop-api:1.0")
    );
}

#[test]
fn a_registry_replaced_without_a_volume_loses_what_was_pushed() {
    let mut h = swarm(8);
    build_api(&mut h, "127.0.0.1:5000/shop-api:1.0");
    h.run("docker service create --name registry --publish published=5000,target=5000 registry:2");
    h.run("docker push 127.0.0.1:5000/shop-api:1.0");
    let has =
        dockyard::sim::check::Check::parse("registry 127.0.0.1:5000 has shop-api:1.0").unwrap();
    let lacks =
        dockyard::sim::check::Check::parse("registry 127.0.0.1:5000 lacks shop-api:1.0").unwrap();
    assert!(has.holds(h.world(), None));
    // A new task is a new container: a new anonymous volume at /var/lib/registry, empty.
    h.run("docker service update --force registry");
    assert!(lacks.holds(h.world(), None));
    assert_eq!(
        h.run("curl http://127.0.0.1:5000/v2/_catalog"),
        "{\"repositories\":[]}\n"
    );
    assert_eq!(
        h.run("ssh node-3 docker pull 127.0.0.1:5000/shop-api:1.0"),
        "Error response from daemon: manifest for 127.0.0.1:5000/shop-api:1.0 not found: manifest unknown: manifest unknown\n"
    );
    // A stack deployed now cannot pin a digest, and nodes without the image reject its tasks.
    stack_file(&mut h, "127.0.0.1:5000/shop-api:1.0");
    assert!(
        h.run("docker stack deploy -c stack.yml shop")
            .contains("could not be accessed on a registry")
    );
    h.wait(30_000);
    assert_eq!(running_on(&h, "shop_api"), ["node-1"]);
}

#[test]
fn a_registry_with_a_named_volume_keeps_its_images_across_a_new_task() {
    let mut h = swarm(9);
    build_api(&mut h, "127.0.0.1:5000/shop-api:1.0");
    h.run("docker service create --name registry --publish published=5000,target=5000 --constraint node.hostname==node-2 --mount type=volume,source=registry-data,target=/var/lib/registry registry:2");
    h.run("docker push 127.0.0.1:5000/shop-api:1.0");
    h.run("docker service update --force registry");
    assert_eq!(
        h.run("curl http://127.0.0.1:5000/v2/_catalog"),
        "{\"repositories\":[\"shop-api\"]}\n"
    );
    assert!(
        h.run("ssh node-3 docker pull 127.0.0.1:5000/shop-api:1.0")
            .contains("Status: Downloaded newer image for 127.0.0.1:5000/shop-api:1.0")
    );
}

#[test]
fn a_single_host_registry_keeps_its_images_only_in_its_volume() {
    let mut h = single_host_registry();
    h.run("docker pull alpine:3.20");
    h.run("docker tag alpine:3.20 127.0.0.1:5000/tools:1");
    h.run("docker push 127.0.0.1:5000/tools:1");
    h.run("docker rm -f registry");
    h.run("docker run -d -p 5000:5000 --name registry registry:2");
    h.wait(1_000);
    assert_eq!(
        h.run("curl http://127.0.0.1:5000/v2/_catalog"),
        "{\"repositories\":[]}\n"
    );
    h.run("docker rm -f registry");
    h.run(
        "docker run -d -p 5000:5000 -v registry-data:/var/lib/registry --name registry registry:2",
    );
    h.wait(1_000);
    h.run("docker push 127.0.0.1:5000/tools:1");
    h.run("docker rm -f registry");
    h.run(
        "docker run -d -p 5000:5000 -v registry-data:/var/lib/registry --name registry registry:2",
    );
    h.wait(1_000);
    assert_eq!(
        h.run("curl http://127.0.0.1:5000/v2/_catalog"),
        "{\"repositories\":[\"tools\"]}\n"
    );
    h.run("docker rmi 127.0.0.1:5000/tools:1");
    assert!(
        h.run("docker run --rm 127.0.0.1:5000/tools:1 echo hi")
            .contains("1: Pulling from tools")
    );
}

#[test]
fn compose_pulls_a_pushed_image_through_localhost_5000() {
    let mut h = single_host_registry();
    h.run("docker pull alpine:3.20");
    h.run("docker tag alpine:3.20 localhost:5000/tools:1");
    assert!(
        h.run("docker push localhost:5000/tools:1")
            .contains(": Pushed")
    );
    h.run("docker rmi localhost:5000/tools:1 alpine:3.20");
    h.run("cat > compose.yaml <<EOF\nservices:\n  tools:\n    image: localhost:5000/tools:1\n    command: sleep 3600\nEOF");
    let up = h.run("docker compose up -d");
    assert!(up.contains(" tools  Pulled"), "{up}");
    assert!(h.container("app-tools-1").status().is_up());
    // The registry logged the daemon's manifest request.
    assert!(
        h.logs("registry")
            .contains("\"GET /v2/tools/manifests/1 HTTP/1.1\" 200")
    );
}
