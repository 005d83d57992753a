//! Root in the container: who a container runs as (`-u`, the image's `USER`), and the owner of
//! what it writes on a bind mount.
//!
//! Sources: Docker docs "Docker run reference" (`--user`: "The default user within a container is
//! root (uid = 0)"), Dockerfile reference (`USER`); runc's user lookup (`unable to find user bob:
//! no matching entries in passwd file`); coreutils `rm` and bash (`Permission denied`).

mod common;
use common::Host;

#[test]
fn a_container_is_root_unless_told_otherwise() {
    let mut h = Host::new(1);
    h.run("docker pull alpine");
    let out = h.run("docker run --rm alpine id");
    assert_eq!(out.trim(), "uid=0(root) gid=0(root) groups=0(root)");
    let out = h.run("docker run --rm -u 1000:1000 alpine id");
    assert_eq!(
        out.trim(),
        "uid=1000(node) gid=1000(node) groups=1000(node)"
    );
    h.run("docker run -d --name box -u 1234 alpine sleep 1d");
    let out = h.run("docker exec box whoami");
    assert!(
        out.contains("whoami: cannot find name for user ID 1234"),
        "{out}"
    );
    let out = h.run("docker run --rm -u bob alpine id");
    assert!(
        out.contains("unable to find user bob: no matching entries in passwd file"),
        "{out}"
    );
    h.run("docker run -d --name web -u nginx nginx:1.27");
    let out = h.run("docker inspect -f '{{.Config.User}}' web");
    assert_eq!(out.trim(), "nginx");
}

/// What a root container writes on a bind mount is root's on the host: the learner cannot edit
/// it, or delete what is inside a folder it made, without sudo. `-u 1000:1000` writes as the
/// learner.
#[test]
fn root_files_on_a_bind_mount_need_sudo() {
    let mut h = Host::new(2);
    h.run("mkdir out");
    h.run("docker run --rm -v \"$(pwd)\"/out:/out alpine sh -c \"echo report > /out/report.txt\"");
    let out = h.run("ls -l out");
    assert!(
        out.contains("root root") && out.contains("report.txt"),
        "{out}"
    );
    let out = h.run("echo edited > out/report.txt");
    assert!(out.contains("Permission denied"), "{out}");
    h.run("docker run --rm -v \"$(pwd)\"/out:/out alpine sh -c \"mkdir /out/cache && echo x > /out/cache/x\"");
    let out = h.run("rm -rf out/cache");
    assert!(
        out.contains("rm: cannot remove 'out/cache/x': Permission denied"),
        "{out}"
    );
    let out = h.run("sudo rm -rf out/cache");
    assert!(!out.contains("denied"), "{out}");
    // The report is root's, but the folder is the learner's: deleting it is allowed.
    let out = h.run("rm out/report.txt");
    assert!(!out.contains("denied"), "{out}");
    h.run("docker run --rm -u 1000:1000 -v \"$(pwd)\"/out:/out alpine sh -c \"echo report > /out/report.txt\"");
    let out = h.run("ls -l out");
    assert!(out.contains("learner learner"), "{out}");
    let out = h.run("echo edited > out/report.txt");
    assert!(!out.contains("denied"), "{out}");
}
