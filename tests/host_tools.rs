//! The host shell's small tools a backup routine uses: `date` (GNU coreutils' default format
//! and `+FORMAT`), `cp [-a|-r]`, `mv`, `sha256sum` (real SHA-256, as coreutils prints it), and
//! `$(date +%F)` in a file name, with coreutils' error words.

mod common;

use common::Host;

#[test]
fn date_prints_the_simulated_clock_in_gnu_format() {
    let mut host = Host::new(1);
    // The simulation's epoch is Monday 2026-01-05 09:00 UTC.
    assert_eq!(host.run("date").trim(), "Mon Jan  5 09:00:00 UTC 2026");
    assert_eq!(host.run("date +%F").trim(), "2026-01-05");
    host.wait(86_400_000 + 61_000);
    assert_eq!(host.run("date +%F_%T").trim(), "2026-01-06_09:01:01");
    assert_eq!(host.run("date +%a").trim(), "Tue");
}

#[test]
fn a_dated_backup_name_is_expanded_by_the_host_shell() {
    let mut host = Host::new(2);
    host.run("echo data > backup-$(date +%F).txt");
    let ls = host.run("ls");
    assert!(ls.contains("backup-2026-01-05.txt"), "{ls}");
}

/// coreutils' sha256sum: `<64 hex>  <name>`; the digest of "hello\n" is the well-known one.
#[test]
fn sha256sum_is_real_sha256() {
    let mut host = Host::new(3);
    host.run("echo hello > a.txt");
    let out = host.run("sha256sum a.txt");
    assert_eq!(
        out.trim(),
        "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  a.txt"
    );
    let out = host.run("sha256sum nope.txt");
    assert!(
        out.contains("sha256sum: nope.txt: No such file or directory"),
        "{out}"
    );
}

#[test]
fn cp_and_mv_copy_files_and_folders_with_coreutils_words() {
    let mut host = Host::new(4);
    host.run("mkdir -p data/sub");
    host.run("echo one > data/sub/f.txt");
    host.run("chmod 600 data/sub/f.txt");
    let out = host.run("cp data copy");
    assert!(
        out.contains("cp: -r not specified; omitting directory 'data'"),
        "{out}"
    );
    host.run("cp -a data copy");
    assert_eq!(host.run("cat copy/sub/f.txt").trim(), "one");
    assert!(host.run("ls -l copy/sub").contains("-rw-------"));
    host.run("cp data/sub/f.txt plain.txt");
    assert!(
        host.run("ls -l")
            .contains("-rw-r--r-- 1 learner learner      4 Jan  5 09:00 plain.txt")
    );
    host.run("mv plain.txt moved.txt");
    let ls = host.run("ls");
    assert!(
        ls.contains("moved.txt") && !ls.contains("plain.txt"),
        "{ls}"
    );
    let out = host.run("mv nope.txt x.txt");
    assert!(
        out.contains("mv: cannot stat 'nope.txt': No such file or directory"),
        "{out}"
    );
    let out = host.run("cp -r data data/sub/inside");
    assert!(
        out.contains("cannot copy a directory, 'data', into itself"),
        "{out}"
    );
}

/// docker/docs "Back up, restore, or migrate data volumes": `--volumes-from` mounts another
/// container's volumes at the same paths (moby `registerMountPoints`), `:ro` makes them
/// read-only, and an unknown container is the daemon's `No such container`.
#[test]
fn volumes_from_mounts_another_containers_volumes() {
    let mut host = Host::new(5);
    host.run("docker run -d --name db -v dbdata:/dbdata alpine sleep 1000");
    host.run("docker exec db sh -c \"echo hello > /dbdata/f\"");
    let out = host.run("docker run --rm --volumes-from db alpine cat /dbdata/f");
    assert!(out.contains("hello"), "{out}");
    host.run("docker run -d --volumes-from db:ro --name ro alpine sleep 1000");
    let out = host.run("docker exec ro sh -c \"echo x > /dbdata/g\"");
    assert!(out.contains("Read-only file system"), "{out}");
    assert!(host.run("docker exec ro cat /dbdata/f").contains("hello"));
    let out = host.run("docker run --rm --volumes-from nope alpine true");
    assert!(out.contains("No such container: nope"), "{out}");
}
