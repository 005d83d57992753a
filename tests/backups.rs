//! Backups (page 12): Docker's own volume backup recipe with a throwaway container, tar and gzip
//! inside containers and on the host, restores into a fresh volume. Sources: Docker docs
//! "Volumes" (Back up, restore, or migrate data volumes), GNU tar 1.34 and BusyBox tar messages.

mod common;

use common::Host;

fn db_with_rows(host: &mut Host, rows: usize) {
    host.run("docker run -d --name db -e POSTGRES_PASSWORD=secret -v pgdata:/var/lib/postgresql/data postgres:16");
    host.wait(5_000);
    host.run("docker exec db psql -U postgres -c \"CREATE TABLE notes (id int, body text)\"");
    for i in 0..rows {
        host.run(&format!(
            "docker exec db psql -U postgres -c \"INSERT INTO notes VALUES ({i}, 'note {i}')\""
        ));
    }
}

/// Docker docs: `docker run --rm --volumes-from dbstore -v $(pwd):/backup ubuntu tar cvf
/// /backup/backup.tar /dbdata`, then the restore into a new container's volume with
/// `bash -c "cd /dbdata && tar xvf /backup/backup.tar --strip 1"`.
#[test]
fn the_docs_recipe_backs_up_a_volume_and_restores_it_into_another() {
    let mut host = Host::new(11);
    host.run("docker create -v /dbdata --name dbstore ubuntu /bin/bash");
    host.run(
        "docker run --rm --volumes-from dbstore ubuntu bash -c \"echo hello > /dbdata/greeting\"",
    );
    let out = host.run(
        "docker run --rm --volumes-from dbstore -v $(pwd):/backup ubuntu tar cvf /backup/backup.tar /dbdata",
    );
    assert!(
        out.contains("tar: Removing leading `/' from member names"),
        "{out}"
    );
    assert!(out.contains("/dbdata/greeting"), "{out}");
    let ls = host.run("ls -l");
    assert!(ls.contains("10240") && ls.contains("backup.tar"), "{ls}");
    let listing = host.run("tar tvf backup.tar");
    assert!(listing.contains("dbdata/greeting"), "{listing}");

    host.run("docker create -v /dbdata --name dbstore2 ubuntu /bin/bash");
    let out = host.run(
        "docker run --rm --volumes-from dbstore2 -v $(pwd):/backup ubuntu bash -c \"cd /dbdata && tar xvf /backup/backup.tar --strip 1\"",
    );
    assert!(out.contains("dbdata/greeting"), "{out}");
    let out = host.run("docker run --rm --volumes-from dbstore2 ubuntu cat /dbdata/greeting");
    assert!(out.contains("hello"), "{out}");
}

/// The named-volume form with Alpine (BusyBox tar): `tar czf /backup/x.tar.gz -C /data .`, and
/// a restore into a fresh volume that PostgreSQL then starts on with every row.
#[test]
fn a_stopped_database_volume_restores_with_every_row() {
    let mut host = Host::new(12);
    db_with_rows(&mut host, 3);
    host.run("docker stop db");
    let out = host.run(
        "docker run --rm -v pgdata:/data:ro -v $(pwd):/backup alpine tar czf /backup/pgdata-$(date +%F).tar.gz -C /data .",
    );
    assert!(!out.contains("tar:"), "{out}");
    let ls = host.run("ls");
    assert!(ls.contains("pgdata-2026-01-05.tar.gz"), "{ls}");
    let du = host.run("docker run --rm -v pgdata:/data alpine du -sh /data");
    assert!(du.contains("M\t/data"), "{du}");

    host.run("docker volume create restored");
    let out = host.run(
        "docker run --rm -v restored:/data -v $(pwd):/backup alpine tar xzf /backup/pgdata-2026-01-05.tar.gz -C /data",
    );
    assert!(!out.contains("tar:"), "{out}");
    host.run("docker run -d --name db2 -e POSTGRES_PASSWORD=secret -v restored:/var/lib/postgresql/data postgres:16");
    host.wait(3_000);
    let logs = host.logs("db2");
    assert!(logs.contains("Skipping initialization"), "{logs}");
    let out = host.run("docker exec db2 psql -U postgres -c \"SELECT count(*) FROM notes\"");
    assert!(out.contains("     3"), "{out}");
}

#[test]
fn tar_in_a_container_takes_time_that_follows_the_size() {
    let mut host = Host::new(13);
    db_with_rows(&mut host, 1);
    host.run("docker stop db");
    let before = host.world().now_ms;
    host.run(
        "docker run --rm -v pgdata:/data -v $(pwd):/backup alpine tar cf /backup/p.tar -C /data .",
    );
    let took_ms = host.world().now_ms - before;
    // About 16.5 MB read and written at 200 MB/s: a sixth of a second, plus the container's start.
    assert!(took_ms >= 160, "{took_ms}");
}

#[test]
fn a_backup_into_a_read_only_mount_fails_with_tars_words() {
    let mut host = Host::new(14);
    host.run("docker volume create data");
    let out = host.run(
        "docker run --rm -v data:/data -v $(pwd):/backup:ro ubuntu tar cf /backup/b.tar /data",
    );
    assert!(
        out.contains("tar: /backup/b.tar: Cannot open: Read-only file system"),
        "{out}"
    );
    let ps = host.run("docker ps -a");
    assert!(!ps.contains("ubuntu"), "--rm removed it: {ps}");
}

#[test]
fn exec_runs_tar_with_a_working_folder_and_gzip() {
    let mut host = Host::new(15);
    host.run("docker run -d --name box -v data:/data alpine sleep 1d");
    host.run("docker exec box sh -c \"mkdir -p /data/a && echo x > /data/a/f\"");
    let out = host.run(
        "docker exec box sh -c \"cd /data && tar cf /tmp/a.tar a && gzip /tmp/a.tar && ls /tmp\"",
    );
    assert!(out.contains("a.tar.gz"), "{out}");
    let out = host.run("docker exec box tar tzf /tmp/a.tar.gz");
    assert_eq!(out.trim(), "a/\na/f");
    let out = host.run("docker exec box tar xf /tmp/nope.tar");
    assert!(
        out.contains("tar: can't open '/tmp/nope.tar': No such file or directory"),
        "{out}"
    );
}

/// pg_dump writes a plain SQL dump the host shell stores (`> app.sql`); psql replays it into a
/// fresh cluster. PostgreSQL docs, "SQL Dump"; pg_dump 16.10+ wraps it in `\restrict`.
#[test]
fn pg_dump_to_the_host_and_psql_back_into_a_fresh_cluster() {
    let mut host = Host::new(21);
    db_with_rows(&mut host, 3);
    let out = host.run("docker exec db pg_dump -U postgres postgres > app.sql");
    assert!(out.trim().is_empty(), "{out}");
    let dump = host.run("cat app.sql");
    assert!(
        dump.starts_with("--\n-- PostgreSQL database dump\n--\n\n\\restrict "),
        "{dump}"
    );
    assert!(
        dump.contains("CREATE TABLE public.notes (\n    id integer,\n    body text\n);"),
        "{dump}"
    );
    assert!(
        dump.contains(
            "COPY public.notes (id, body) FROM stdin;\n0\tnote 0\n1\tnote 1\n2\tnote 2\n\\.\n"
        ),
        "{dump}"
    );

    host.run("docker run -d --name fresh -e POSTGRES_PASSWORD=secret postgres:16");
    host.wait(5_000);
    // Without -i the file never reaches psql.
    host.run("docker exec fresh psql -U postgres < app.sql");
    let out = host.run("docker exec fresh psql -U postgres -c \"SELECT count(*) FROM notes\"");
    assert!(out.contains("does not exist"), "{out}");
    let out = host.run("docker exec -i fresh psql -U postgres < app.sql");
    assert!(
        out.contains("CREATE TABLE") && out.contains("COPY 3"),
        "{out}"
    );
    let out = host.run("docker exec fresh psql -U postgres -c \"SELECT count(*) FROM notes\"");
    assert!(out.contains("     3"), "{out}");
}

#[test]
fn pg_restore_refuses_a_plain_dump_and_restores_a_custom_one() {
    let mut host = Host::new(22);
    db_with_rows(&mut host, 2);
    host.run("docker exec db pg_dump -U postgres postgres > app.sql");
    host.run("docker exec db pg_dump -U postgres -Fc postgres > app.dump");
    let out = host.run("docker exec -i db pg_restore -U postgres -d postgres < app.sql");
    assert!(
        out.contains(
            "pg_restore: error: input file appears to be a text format dump. Please use psql."
        ),
        "{out}"
    );
    let ls = host.run("ls -l");
    assert!(ls.contains("app.dump"), "{ls}");
    host.run("docker exec db psql -U postgres -c \"DROP TABLE notes\"");
    let out = host.run("docker exec -i db pg_restore -U postgres -d postgres < app.dump");
    assert!(!out.contains("error"), "{out}");
    let out = host.run("docker exec db psql -U postgres -c \"SELECT count(*) FROM notes\"");
    assert!(out.contains("     2"), "{out}");
    // Restoring over the existing table: every CREATE fails, and so does the COPY? No: COPY
    // appends. --clean --if-exists drops first.
    let out = host
        .run("docker exec -i db pg_restore -U postgres -d postgres --clean --if-exists < app.dump");
    assert!(!out.contains("error"), "{out}");
    let out = host.run("docker exec db psql -U postgres -c \"SELECT count(*) FROM notes\"");
    assert!(out.contains("     2"), "{out}");
    let out = host.run("docker exec -i db pg_restore -U postgres -d postgres -j 4 < app.dump");
    assert!(
        out.contains("pg_restore: error: parallel restore from standard input is not supported"),
        "{out}"
    );
}

/// A dump of a cluster whose tables belong to `app`, restored where that role does not exist:
/// each `ALTER TABLE … OWNER TO app` fails, pg_restore counts it and exits 1.
#[test]
fn roles_are_not_in_a_database_dump() {
    let mut host = Host::new(23);
    host.run(
        "docker run -d --name old -e POSTGRES_USER=app -e POSTGRES_PASSWORD=secret postgres:16",
    );
    host.wait(5_000);
    host.run("docker exec old psql -U app -c \"CREATE TABLE notes (body text)\"");
    host.run("docker exec old psql -U app -c \"INSERT INTO notes VALUES ('kept')\"");
    host.run("docker exec old pg_dump -U app -Fc app > app.dump");
    host.run("docker run -d --name new -e POSTGRES_PASSWORD=secret postgres:16");
    host.wait(5_000);
    let out = host.run("docker exec -i new pg_restore -U postgres -d postgres < app.dump");
    assert!(out.contains("pg_restore: error: could not execute query: ERROR:  role \"app\" does not exist\nCommand was: ALTER TABLE public.notes OWNER TO app;"), "{out}");
    assert!(
        out.contains("pg_restore: warning: errors ignored on restore: 1"),
        "{out}"
    );
    // The globals first, then the restore is clean.
    host.run("docker exec old pg_dumpall -U app --globals-only > globals.sql");
    let globals = host.run("cat globals.sql");
    assert!(globals.contains("CREATE ROLE app;"), "{globals}");
    host.run("docker exec -i new psql -U postgres < globals.sql");
    let out = host.run(
        "docker exec -i new pg_restore -U postgres -d postgres --clean --if-exists < app.dump",
    );
    assert!(!out.contains("error"), "{out}");
}

/// PostgreSQL docs, pg_restore (`app-pgrestore.sgml`): without `-C` the database given with `-d`
/// must exist (libpq: `FATAL:  database "app" does not exist`); with `-C`, pg_restore uses the
/// `-d` database only to run `CREATE DATABASE` with the archive's name, then restores into the
/// new one; `--clean -C` drops and recreates it; `-C` when it exists is a counted error.
#[test]
fn pg_restore_create_makes_the_database_a_fresh_cluster_lacks() {
    let mut host = Host::new(24);
    host.run("docker run -d --name old -e POSTGRES_DB=app -e POSTGRES_PASSWORD=secret postgres:16");
    host.wait(5_000);
    host.run("docker exec old psql -U postgres -d app -c \"CREATE TABLE notes (body text)\"");
    host.run(
        "docker exec old psql -U postgres -d app -c \"INSERT INTO notes VALUES ('a'), ('b')\"",
    );
    host.run("docker exec old pg_dump -U postgres -Fc app > app.dump");
    host.run("docker run -d --name new -e POSTGRES_PASSWORD=secret postgres:16");
    host.wait(5_000);
    let out = host.run("docker exec -i new pg_restore -U postgres -d app < app.dump");
    assert!(
        out.contains("pg_restore: error: connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: FATAL:  database \"app\" does not exist"),
        "{out}"
    );
    let out = host.run("docker exec -i new pg_restore -U postgres -C -d postgres < app.dump");
    assert!(!out.contains("error"), "{out}");
    let out = host.run("docker exec new psql -U postgres -d app -c \"SELECT count(*) FROM notes\"");
    assert!(out.contains("     2"), "{out}");
    // A second -C: the database is there now.
    let out = host.run("docker exec -i new pg_restore -U postgres -C -d postgres < app.dump");
    assert!(
        out.contains("pg_restore: error: could not execute query: ERROR:  database \"app\" already exists\nCommand was: CREATE DATABASE app WITH TEMPLATE = template0 ENCODING = 'UTF8' LOCALE_PROVIDER = libc LOCALE = 'en_US.utf8';"),
        "{out}"
    );
    assert!(
        out.contains("pg_restore: warning: errors ignored on restore:"),
        "{out}"
    );
    // --clean -C drops the database and creates it again: a clean restore.
    let out = host.run(
        "docker exec -i new pg_restore -U postgres --clean --if-exists -C -d postgres < app.dump",
    );
    assert!(!out.contains("error"), "{out}");
    let out = host.run("docker exec new psql -U postgres -d app -c \"SELECT count(*) FROM notes\"");
    assert!(out.contains("     2"), "{out}");
}

/// docker-library/postgres `docker-entrypoint.sh`: `POSTGRES_DB` is created by the first
/// initialization only; a later container on the same volume with another `POSTGRES_DB` finds
/// the databases the data directory already has.
#[test]
fn postgres_db_counts_only_when_the_cluster_is_initialized() {
    let mut host = Host::new(25);
    host.run("docker run -d --name db -e POSTGRES_DB=app -e POSTGRES_PASSWORD=secret -v pgdata:/var/lib/postgresql/data postgres:16");
    host.wait(5_000);
    host.run("docker exec db psql -U postgres -d app -c \"CREATE TABLE notes (body text)\"");
    host.run("docker rm -f db");
    host.run("docker run -d --name db -e POSTGRES_DB=shop -e POSTGRES_PASSWORD=secret -v pgdata:/var/lib/postgresql/data postgres:16");
    host.wait(5_000);
    let out = host.run("docker exec db psql -U postgres -d app -c \"SELECT count(*) FROM notes\"");
    assert!(out.contains("     0"), "{out}");
    let out = host.run("docker exec db psql -U postgres -d shop -c \"SELECT 1 FROM notes\"");
    assert!(
        out.contains("FATAL:  database \"shop\" does not exist"),
        "{out}"
    );
}

/// PostgreSQL docs, "File System Level Backup": the server must be shut down for a usable file
/// copy. A tar of the live volume restores into a cluster that runs crash recovery and has lost
/// rows or cannot read a table; the same tar after `docker stop` restores everything.
#[test]
fn a_live_copy_restores_broken_and_a_stopped_copy_restores_whole() {
    let mut broken = 0;
    for seed in 30..36 {
        let mut host = Host::new(seed);
        db_with_rows(&mut host, 6);
        host.run("docker run --rm -v pgdata:/data -v $(pwd):/backup alpine tar czf /backup/live.tar.gz -C /data .");
        host.run("docker volume create copy");
        host.run("docker run --rm -v copy:/data -v $(pwd):/backup alpine tar xzf /backup/live.tar.gz -C /data");
        host.run("docker run -d --name db2 -e POSTGRES_PASSWORD=secret -v copy:/var/lib/postgresql/data postgres:16");
        host.wait(3_000);
        let logs = host.logs("db2");
        assert!(
            logs.contains(
                "database system was not properly shut down; automatic recovery in progress"
            ),
            "{logs}"
        );
        let out = host.run("docker exec db2 psql -U postgres -c \"SELECT count(*) FROM notes\"");
        let lost_rows = out.contains("     4");
        let unreadable = out.contains(
            "ERROR:  could not read block 0 in file \"base/5/16384\": read only 4096 of 8192 bytes",
        );
        assert!(lost_rows || unreadable, "seed {seed}: {out}");
        broken += usize::from(unreadable);
    }
    assert!(
        broken > 0 && broken < 6,
        "both outcomes come up across seeds: {broken}"
    );

    let mut host = Host::new(40);
    db_with_rows(&mut host, 6);
    host.run("docker stop db");
    host.run("docker run --rm -v pgdata:/data -v $(pwd):/backup alpine tar czf /backup/cold.tar.gz -C /data .");
    host.run("docker volume create copy");
    host.run("docker run --rm -v copy:/data -v $(pwd):/backup alpine tar xzf /backup/cold.tar.gz -C /data");
    host.run("docker run -d --name db2 -e POSTGRES_PASSWORD=secret -v copy:/var/lib/postgresql/data postgres:16");
    host.wait(3_000);
    assert!(!host.logs("db2").contains("automatic recovery"));
    let out = host.run("docker exec db2 psql -U postgres -c \"SELECT count(*) FROM notes\"");
    assert!(out.contains("     6"), "{out}");
}

/// SIGKILL leaves the lock file: the next start recovers. A clean stop does not.
#[test]
fn a_killed_server_recovers_on_its_next_start() {
    let mut host = Host::new(41);
    db_with_rows(&mut host, 1);
    host.run("docker kill db");
    host.run("docker start db");
    host.wait(2_000);
    assert!(
        host.logs("db")
            .contains("database system was interrupted; last known up at")
    );
}

#[test]
fn a_dropped_table_comes_back_from_yesterdays_dump_and_not_from_a_restart() {
    let mut host = Host::new(50);
    db_with_rows(&mut host, 2);
    host.run("docker exec db pg_dump -U postgres -Fc postgres > nightly.dump");
    host.fault("drop-table notes");
    host.run("docker restart db");
    host.wait(3_000);
    let out = host.run("docker exec db psql -U postgres -c \"SELECT count(*) FROM notes\"");
    assert!(out.contains("relation \"notes\" does not exist"), "{out}");
    host.run("docker exec -i db pg_restore -U postgres -d postgres < nightly.dump");
    let out = host.run("docker exec db psql -U postgres -c \"SELECT count(*) FROM notes\"");
    assert!(out.contains("     2"), "{out}");
}

#[test]
fn a_backup_on_the_same_disk_dies_with_it() {
    let mut host = Host::new(51);
    db_with_rows(&mut host, 2);
    host.run("docker exec db pg_dump -U postgres -Fc postgres > nightly.dump");
    host.fault("lose-disk");
    assert!(host.run("ls").trim().is_empty());
    let out = host.run("docker volume ls");
    assert!(!out.contains("pgdata"), "{out}");
}

#[test]
fn ransomware_encrypts_the_backups_it_can_write() {
    let mut host = Host::new(52);
    db_with_rows(&mut host, 2);
    host.run("docker exec db pg_dump -U postgres postgres > nightly.sql");
    host.fault("ransomware");
    let ls = host.run("ls");
    assert!(
        ls.contains("nightly.sql.locked") && ls.contains("README_RESTORE_FILES.txt"),
        "{ls}"
    );
    let out = host.run("docker exec db psql -U postgres -c \"SELECT count(*) FROM notes\"");
    assert!(out.contains("could not read block 0"), "{out}");
}

#[test]
fn a_deleted_or_corrupted_volume_loses_its_files() {
    let mut host = Host::new(53);
    db_with_rows(&mut host, 2);
    host.fault("corrupt-volume pgdata");
    let out = host.run("docker exec db psql -U postgres -c \"SELECT * FROM notes\"");
    assert!(out.contains("read only 0 of 8192 bytes"), "{out}");
    host.fault("delete-volume pgdata");
    let out = host.run("docker ps -a");
    assert!(!out.contains(" db"), "{out}");
    let out = host.run("docker volume ls");
    assert!(!out.contains("pgdata"), "{out}");
}

/// The page's measure: an app writes a row an hour from 09:00; a dump at 03:00; at 09:00 the
/// table is dropped; the restore brings back the rows up to 03:00, so six hours of data are
/// lost, measured from the rows themselves.
#[test]
fn the_recovery_point_and_time_are_measured_from_the_rows() {
    use dockyard::sim::check::Check;
    let mut host = Host::new(60);
    host.run("docker run -d --name db -e POSTGRES_PASSWORD=secret -v pgdata:/var/lib/postgresql/data postgres:16");
    host.wait(5_000);
    host.fault("writes start db events 1/h");
    host.wait(18 * 3_600_000);
    assert_eq!(host.run("date +%H:%M").trim(), "03:00");
    host.run("docker exec db pg_dump -U postgres -Fc postgres > nightly.dump");
    host.wait(6 * 3_600_000);
    host.fault("drop-table events");
    host.run("docker exec -i db pg_restore -U postgres -d postgres < nightly.dump");
    let holds = |host: &Host, text: &str| Check::parse(text).unwrap().holds(host.world(), None);
    assert!(
        holds(&host, "restore recovers rows up to 03:00"),
        "{:?}",
        host.world().backups.restores
    );
    assert!(holds(&host, "data lost under 7h"));
    assert!(!holds(&host, "data lost under 5h"));
    assert!(holds(&host, "restore took under 1m"));
    assert!(
        holds(&host, "restore brought back 18 rows"),
        "{:?}",
        host.world().backups.restores
    );
    assert!(holds(&host, "backup copies 1"));
    assert!(holds(&host, "3-2-1 fails"));
}

/// A host crontab runs the nightly dump at 03:00 from the home folder; `%` must be escaped.
#[test]
fn cron_runs_the_nightly_dump_and_dated_files_accumulate() {
    let mut host = Host::new(70);
    db_with_rows(&mut host, 1);
    let out = host.run("crontab -l");
    assert!(out.contains("no crontab for learner"), "{out}");
    host.run("mkdir backups");
    let out = host.run(
        "crontab - <<'EOF'\n# nightly\n0 3 * * * cd app/backups && docker exec db pg_dump -U postgres -Fc postgres > db-$(date +\\%F).dump\nEOF",
    );
    assert!(!out.contains("error"), "{out}");
    assert!(host.run("crontab -l").contains("0 3 * * *"));
    host.wait(3 * 86_400_000);
    let ls = host.run("ls backups");
    assert_eq!(
        ls.trim(),
        "db-2026-01-06.dump  db-2026-01-07.dump  db-2026-01-08.dump",
        "{ls}"
    );
    let out = host.run("crontab - <<'EOF'\n0 3 * * * echo $(date +%F)\n0 25 * * * x\nEOF");
    assert!(
        out.contains("\"-\":2: bad hour\nerrors in crontab file, can't install."),
        "{out}"
    );
}

/// restic in a throwaway container, every night for 30 days from cron, then the retention
/// policy: 7 daily and 4 weekly snapshots keep 9 (the dailies already hold two weeklies).
#[test]
fn thirty_nights_of_restic_and_a_grandfather_father_son_policy() {
    let mut host = Host::new(80);
    host.run("docker volume create appdata");
    host.run("docker run --rm -v appdata:/data alpine sh -c \"echo v1 > /data/config.txt\"");
    host.run("mkdir repo");
    let out = host.run("docker run --rm -e RESTIC_PASSWORD=pw -v /home/learner/app/repo:/repo restic/restic -r /repo init");
    assert!(out.contains("created restic repository"), "{out}");
    let out = host
        .run("docker run --rm -v /home/learner/app/repo:/repo restic/restic -r /repo snapshots");
    assert!(
        out.contains("Fatal: an empty password is not allowed by default"),
        "{out}"
    );
    host.run("crontab - <<'EOF'\n0 3 * * * docker run --rm -e RESTIC_PASSWORD=pw -v appdata:/data:ro -v /home/learner/app/repo:/repo restic/restic -r /repo backup --host app /data\nEOF");
    host.wait(30 * 86_400_000);
    let out = host.run("docker run --rm -e RESTIC_PASSWORD=pw -v /home/learner/app/repo:/repo restic/restic -r /repo snapshots");
    assert!(out.contains("30 snapshots"), "{out}");
    let out = host.run("docker run --rm -e RESTIC_PASSWORD=pw -v /home/learner/app/repo:/repo restic/restic -r /repo forget --keep-daily 7 --keep-weekly 4 --prune");
    assert!(
        out.contains("Applying Policy: keep 7 daily, 4 weekly snapshots"),
        "{out}"
    );
    assert!(out.contains("keep 9 snapshots:"), "{out}");
    assert!(out.contains("remove 21 snapshots:"), "{out}");
    let out = host.run("docker run --rm -e RESTIC_PASSWORD=pw -v /home/learner/app/repo:/repo -v restored:/restore restic/restic -r /repo restore latest --target /restore");
    assert!(out.contains("Summary: Restored"), "{out}");
    let out = host.run("docker run --rm -v restored:/r alpine cat /r/data/config.txt");
    assert!(out.contains("v1"), "{out}");
    let out = host.run("docker run --rm -e RESTIC_PASSWORD=pw -v /home/learner/app/repo:/repo restic/restic -r /repo check --read-data");
    assert!(out.contains("no errors were found"), "{out}");
}

/// Without `--host`, every throwaway container is a new host: 3 groups of one, nothing to forget.
#[test]
fn restic_in_throwaway_containers_needs_a_fixed_host() {
    let mut host = Host::new(81);
    host.run("docker volume create appdata");
    host.run("mkdir repo");
    let run = "docker run --rm -e RESTIC_PASSWORD=pw -v appdata:/data -v /home/learner/app/repo:/repo restic/restic -r /repo";
    host.run(&format!("{run} init"));
    for _ in 0..3 {
        host.run(&format!("{run} backup /data"));
        host.wait(86_400_000);
    }
    let out = host.run(&format!("{run} forget --keep-last 1"));
    assert_eq!(out.matches("keep 1 snapshots:").count(), 3, "{out}");
    assert!(!out.contains("remove"), "{out}");
}

/// restic docs `030_preparing_a_new_repo` ("SFTP"): `-r sftp:HOST:/path` keeps the repository on
/// another machine, reached with ssh. It is an off-site copy: the disk dies, the repository on
/// backup-host restores the volume. An unknown host fails in ssh first (`subprocess ssh: …`),
/// then restic's sftp session (restic `internal/backend/sftp/sftp.go`).
#[test]
fn a_restic_repository_over_sftp_survives_the_dead_disk() {
    let mut host = Host::new(91);
    host.run("docker volume create appdata");
    host.run("docker run --rm -v appdata:/data alpine sh -c \"echo v1 > /data/config.txt\"");
    let run = "docker run --rm -e RESTIC_PASSWORD=pw -v appdata:/data restic/restic -r sftp:backup-host:/srv/restic-repo";
    let out = host.run(&format!("{run} snapshots"));
    assert!(
        out.contains("Fatal: repository does not exist: unable to open config file: Lstat /srv/restic-repo/config: file does not exist"),
        "{out}"
    );
    let out = host.run(&format!("{run} init"));
    assert!(
        out.contains("created restic repository")
            && out.contains(" at sftp:backup-host:/srv/restic-repo"),
        "{out}"
    );
    let before_ms = host.now();
    let out = host.run(&format!("{run} backup --host app /data"));
    assert!(out.contains("snapshot ") && out.contains(" saved"), "{out}");
    assert!(host.now() > before_ms, "the backup takes the link's time");
    let out = host.run(&format!("{run} snapshots"));
    assert!(
        out.contains("1 snapshots") && out.contains("/data"),
        "{out}"
    );
    let out = host.run("ssh backup-host ls /srv/restic-repo");
    for name in ["config", "data", "index", "keys", "locks", "snapshots"] {
        assert!(out.contains(name), "{name}: {out}");
    }
    let rule = dockyard::sim::backup::rule_321(host.world());
    assert_eq!(rule.offsite, 1, "{rule:?}");
    let out = host.run(&format!("{run} check"));
    assert!(out.contains("no errors were found"), "{out}");

    host.fault("lose-disk");
    let out = host.run("docker volume ls");
    assert!(!out.contains("appdata"), "{out}");
    let out = host.run(&format!("{run} restore latest --target /"));
    assert!(out.contains("Summary: Restored"), "{out}");
    let out = host.run("docker run --rm -v appdata:/data alpine cat /data/config.txt");
    assert!(out.contains("v1"), "{out}");

    let out = host.run("docker run --rm -e RESTIC_PASSWORD=pw restic/restic -r sftp:elsewhere:/srv/restic-repo snapshots");
    assert!(
        out.contains("subprocess ssh: ssh: Could not resolve hostname elsewhere: Name or service not known\nFatal: unable to open repository at sftp:elsewhere:/srv/restic-repo: unable to start the sftp session, error: error receiving version packet from server: server unexpectedly closed connection: unexpected EOF"),
        "{out}"
    );
    let out = host.run("docker run --rm -e RESTIC_PASSWORD=pw restic/restic -r sftp:elsewhere:/srv/restic-repo init");
    assert!(
        out.contains("Fatal: create repository at sftp:elsewhere:/srv/restic-repo failed: unable to start the sftp session"),
        "{out}"
    );
}

/// A copy in the other building survives the disk: scp it there, lose the disk, bring it back.
#[test]
fn an_offsite_copy_survives_the_dead_disk() {
    use dockyard::sim::check::Check;
    let mut host = Host::new(90);
    db_with_rows(&mut host, 3);
    host.run("docker exec db pg_dump -U postgres -Fc postgres > nightly.dump");
    let holds = |host: &Host, text: &str| Check::parse(text).unwrap().holds(host.world(), None);
    assert!(holds(&host, "3-2-1 fails"));
    let out = host.run("scp nightly.dump backup-host:/backups/");
    assert!(out.trim().is_empty(), "{out}");
    assert!(holds(&host, "3-2-1 holds"));
    let out = host.run("ssh backup-host ls -l /backups");
    assert!(out.contains("nightly.dump"), "{out}");
    let out = host.run("ssh backup-host docker ps");
    assert!(
        out.contains("bash: line 1: docker: command not found"),
        "{out}"
    );
    let out = host.run("scp nightly.dump elsewhere:/backups/");
    assert!(
        out.contains("ssh: Could not resolve hostname elsewhere: Name or service not known"),
        "{out}"
    );

    host.fault("lose-disk");
    assert!(host.run("ls").trim().is_empty());
    host.run("scp backup-host:/backups/nightly.dump .");
    host.run("docker run -d --name db -e POSTGRES_PASSWORD=secret -v pgdata:/var/lib/postgresql/data postgres:16");
    host.wait(5_000);
    host.run("docker exec -i db pg_restore -U postgres -d postgres < nightly.dump");
    let out = host.run("docker exec db psql -U postgres -c \"SELECT count(*) FROM notes\"");
    assert!(out.contains("     3"), "{out}");

    host.run("mkdir -p mirror");
    host.run("echo a > mirror/a.txt");
    let out = host.run("rsync -av mirror/ backup-host:/backups/mirror");
    assert!(
        out.contains("sending incremental file list") && out.contains("a.txt"),
        "{out}"
    );
    let out = host.run("rsync -av mirror/ backup-host:/backups/mirror");
    assert!(!out.contains("a.txt"), "nothing changed: {out}");
}

/// docker export carries the container's own files and not its volumes; import makes an image
/// of them with no settings; commit keeps the image's settings but not the volumes either.
#[test]
fn export_import_and_commit_leave_the_volume_out() {
    let mut host = Host::new(100);
    db_with_rows(&mut host, 2);
    host.run("docker exec db sh -c \"echo tuned > /etc/app.conf\"");
    let out = host.run("docker export db");
    assert!(
        out.contains("cowardly refusing to save to a terminal. Use the -o flag or redirect"),
        "{out}"
    );
    let out = host.run("docker export db > db.tar");
    assert!(out.trim().is_empty(), "{out}");
    let listing = host.run("tar tf db.tar");
    assert!(
        listing.contains("etc/app.conf") && listing.contains("var/lib/postgresql/data/"),
        "{listing}"
    );
    assert!(!listing.contains("base/5"), "{listing}");
    let out = host.run("docker import db.tar dbfiles:exported");
    assert!(out.starts_with("sha256:"), "{out}");
    let out = host.run("docker run --rm dbfiles:exported cat /etc/app.conf");
    assert!(out.contains("tuned"), "{out}");
    let out = host.run("docker run --rm dbfiles:exported ls /var/lib/postgresql/data");
    assert!(out.trim().is_empty(), "{out}");
    let out = host.run("docker commit db dbfiles:committed");
    assert!(out.starts_with("sha256:"), "{out}");
    let out = host.run("docker run --rm dbfiles:committed ls /var/lib/postgresql/data");
    assert!(out.trim().is_empty(), "{out}");
    let out = host.run("docker history dbfiles:exported");
    assert!(out.contains("Imported from db.tar"), "{out}");
}

/// docker save keeps every layer, tag and history entry; docker load brings them back after the
/// images are gone (Docker docs: "It restores both images and tags").
#[test]
fn save_and_load_round_trip_an_image() {
    let mut host = Host::new(101);
    host.run("docker pull nginx:1.27");
    let history = host.run("docker history nginx:1.27");
    let out = host.run("docker save nginx:1.27");
    assert!(
        out.contains("cowardly refusing to save to a terminal"),
        "{out}"
    );
    host.run("docker save -o nginx.tar nginx:1.27");
    let listing = host.run("tar tf nginx.tar");
    assert!(
        listing.contains("manifest.json") && listing.contains("blobs/sha256/"),
        "{listing}"
    );
    host.run("docker rmi nginx:1.27");
    assert!(!host.run("docker images").contains("nginx"));
    let out = host.run("docker load < nginx.tar");
    assert!(out.contains("Loaded image: nginx:1.27"), "{out}");
    assert_eq!(host.run("docker history nginx:1.27"), history);
}

/// On a swarm the database is a task on one node: find it, then dump it there through ssh. The
/// command is quoted so that `$(docker ps …)` runs on that node, not here.
#[test]
fn a_swarm_database_task_is_dumped_on_its_node() {
    use dockyard::sim::{Timeline, World};
    let mut world = World::new(110);
    dockyard::sim::swarm::setup::form(&mut world, 1, 2);
    let mut host = Host {
        timeline: Timeline::new(world),
    };
    host.run("docker service create -d --name app_db -e POSTGRES_PASSWORD=secret --constraint node.role==worker postgres:16");
    host.wait(20_000);
    let ps = host.run("docker service ps app_db");
    let node = ps
        .split_whitespace()
        .find(|w| w.starts_with("node-"))
        .unwrap_or_else(|| panic!("{ps}"))
        .to_string();
    host.run(&format!("ssh {node} 'docker exec $(docker ps -q -f name=app_db) psql -U postgres -c \"CREATE TABLE t (x int)\"'"));
    let out = host.run(&format!("ssh {node} 'docker exec $(docker ps -q -f name=app_db) pg_dump -U postgres postgres' > app.sql"));
    assert!(!out.contains("rror"), "{out}");
    let dump = host.run("cat app.sql");
    assert!(dump.contains("CREATE TABLE public.t"), "{dump}");
}

/// The small tools a backup script uses, inside a container: date, sha256sum, cp -a, mv.
#[test]
fn date_sha256sum_cp_and_mv_work_inside_containers() {
    let mut host = Host::new(120);
    host.run("docker run -d --name box -v data:/data alpine sleep 1d");
    host.run("docker exec box sh -c \"echo hello > /data/a.txt\"");
    let out = host.run("docker exec box date +%F");
    assert_eq!(out.trim(), "2026-01-05");
    let out = host.run("docker exec box sha256sum /data/a.txt");
    assert_eq!(
        out.trim(),
        "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  /data/a.txt"
    );
    host.run("docker exec box cp -a /data /tmp/copy");
    host.run("docker exec box mv /tmp/copy/a.txt /tmp/copy/b.txt");
    let out = host.run("docker exec box ls /tmp/copy");
    assert_eq!(out.trim(), "b.txt");
    let out = host.run("docker exec box cp /nope /tmp");
    assert!(
        out.contains("cp: can't stat '/nope': No such file or directory"),
        "{out}"
    );
}

/// Redis persistence (redis.io "Redis persistence"): the RDB snapshot is safe to copy live and
/// a restart loads it; SIGKILL loses what came after the last snapshot; with the AOF every
/// write survives; redis-cli --rdb fetches a fresh snapshot.
#[test]
fn redis_snapshots_the_aof_and_what_a_kill_loses() {
    let mut host = Host::new(130);
    host.run("docker run -d --name cache -v redisdata:/data redis:7");
    host.wait(2_000);
    host.run("docker exec cache redis-cli SET a 1");
    assert_eq!(host.run("docker exec cache redis-cli SAVE").trim(), "OK");
    host.run("docker exec cache redis-cli SET b 2");
    let info = host.run("docker exec cache redis-cli INFO persistence");
    assert!(info.contains("rdb_changes_since_last_save:1"), "{info}");
    let out = host.run("docker exec cache redis-cli --rdb /data/copy.rdb");
    assert!(out.contains("Transfer finished with success"), "{out}");
    host.run("docker kill cache");
    host.run("docker start cache");
    host.wait(2_000);
    assert!(
        host.logs("cache")
            .contains("Done loading RDB, keys loaded: 1")
    );
    assert_eq!(
        host.run("docker exec cache redis-cli GET b").trim(),
        "(nil)"
    );
    assert_eq!(
        host.run("docker exec cache redis-cli GET a").trim(),
        "\"1\""
    );
    // A clean stop saves the final snapshot.
    host.run("docker exec cache redis-cli SET c 3");
    host.run("docker stop cache");
    host.run("docker start cache");
    host.wait(2_000);
    assert_eq!(
        host.run("docker exec cache redis-cli DBSIZE").trim(),
        "(integer) 2"
    );

    host.run("docker run -d --name aof -v aofdata:/data redis:7 redis-server --appendonly yes");
    host.wait(2_000);
    host.run("docker exec aof redis-cli SET k v");
    host.run("docker kill aof");
    host.run("docker start aof");
    host.wait(2_000);
    assert_eq!(host.run("docker exec aof redis-cli GET k").trim(), "\"v\"");
    assert!(host.logs("aof").contains("DB loaded from append only file"));
    let out = host.run("docker exec aof redis-cli CONFIG SET auto-aof-rewrite-percentage 0");
    assert_eq!(out.trim(), "OK");
}

/// Redis 7 (`aof.c` `getBaseAndIncrAppendOnlyFilesSize`): before loading, every file the AOF
/// manifest names is sized; a copy of `appendonlydir` missing one (its base file here) stops the
/// server at start with `Unable to obtain the AOF file … length`, exit 1. An RDB copy loads.
#[test]
fn redis_refuses_an_aof_copy_missing_a_file_the_manifest_names() {
    let mut host = Host::new(131);
    host.run("docker run -d --name aof -v aofdata:/data redis:7 redis-server --appendonly yes");
    host.wait(2_000);
    host.run("docker exec aof redis-cli SET k v");
    host.run("docker stop aof");
    host.run(
        "docker run --rm -v aofdata:/data alpine rm /data/appendonlydir/appendonly.aof.1.base.rdb",
    );
    host.run("docker start aof");
    host.wait(2_000);
    assert!(
        host.logs("aof").contains("# Unable to obtain the AOF file appendonly.aof.1.base.rdb length. stat: No such file or directory"),
        "{}",
        host.logs("aof")
    );
    let out = host.run("docker ps -a");
    assert!(out.contains("Exited (1)"), "{out}");
    // The RDB the clean stop wrote still loads without the AOF.
    host.run("docker run -d --name rdb -v aofdata:/data redis:7");
    host.wait(2_000);
    assert_eq!(host.run("docker exec rdb redis-cli GET k").trim(), "\"v\"");
}

/// A dump from PostgreSQL 17 carries `SET transaction_timeout = 0;`, which 16 does not know:
/// psql reports it and goes on; the tables still restore.
#[test]
fn a_newer_dump_into_an_older_server_trips_on_transaction_timeout() {
    let mut host = Host::new(140);
    host.run("docker run -d --name new -e POSTGRES_PASSWORD=secret postgres:17");
    host.wait(5_000);
    host.run("docker exec new psql -U postgres -c \"CREATE TABLE t (x int)\"");
    host.run("docker exec new pg_dump -U postgres postgres > v17.sql");
    assert!(
        host.run("cat v17.sql")
            .contains("SET transaction_timeout = 0;")
    );
    host.run("docker run -d --name old -e POSTGRES_PASSWORD=secret postgres:16");
    host.wait(5_000);
    let out = host.run("docker exec -i old psql -U postgres < v17.sql");
    assert!(
        out.contains("ERROR:  unrecognized configuration parameter \"transaction_timeout\""),
        "{out}"
    );
    assert!(out.contains("CREATE TABLE"), "{out}");
}

/// A backup container with its own loop: every day a dated archive of the volume, named by the
/// container's shell when it runs.
#[test]
fn a_backup_container_loops_and_names_each_archive_by_its_day() {
    let mut host = Host::new(150);
    host.run("docker volume create appdata");
    host.run("docker run --rm -v appdata:/data alpine sh -c \"echo v1 > /data/config.txt\"");
    host.run("mkdir backups");
    host.run("docker run -d --name backup -v appdata:/data:ro -v /home/learner/app/backups:/backup alpine sh -c 'while true; do tar czf /backup/data-$(date +%F).tar.gz -C /data .; sleep 86400; done'");
    host.wait(3 * 86_400_000 - 60_000);
    let ls = host.run("ls backups");
    assert_eq!(
        ls.trim(),
        "data-2026-01-05.tar.gz  data-2026-01-06.tar.gz  data-2026-01-07.tar.gz",
        "{ls}"
    );
    let ps = host.run("docker ps");
    assert!(ps.contains("backup"), "the loop keeps it running: {ps}");
}

/// `ls -l` inside a container in coreutils' (Debian-based images) and BusyBox's (Alpine) layout.
#[test]
fn ls_long_listings_follow_the_images_tools() {
    let mut host = Host::new(160);
    host.run("docker run -d --name deb -v data:/data ubuntu sleep 1d");
    host.run("docker exec deb sh -c \"echo hello > /data/a.txt\"");
    let out = host.run("docker exec deb ls -l /data");
    assert_eq!(
        out.trim(),
        "-rw-r--r-- 1 root root        6 Jan  5 09:00 a.txt"
    );
    host.run("docker run -d --name alp -v data:/data alpine sleep 1d");
    let out = host.run("docker exec alp ls -l /data");
    assert_eq!(
        out.trim(),
        "-rw-r--r--    1 root     root             6 Jan  5 09:00 a.txt"
    );
}

/// Whatever a learner puts into a restic repository's folders, restic answers without panicking.
#[test]
fn a_repository_with_odd_files_does_not_break_restic() {
    let mut host = Host::new(170);
    host.run("mkdir repo");
    let run = "docker run --rm -e RESTIC_PASSWORD=pw -v /home/learner/app/repo:/repo -v v:/data restic/restic -r /repo";
    host.run(&format!("{run} init"));
    host.run("echo 'x 1 a' > repo/index/index");
    host.run("echo junk > repo/snapshots/s");
    for command in [
        "snapshots",
        "backup /data",
        "prune",
        "check --read-data",
        "forget --keep-last 1",
        "restore latest --target /data",
    ] {
        let _ = host.run(&format!("{run} {command}"));
    }
}

/// Ransomware on the host uses its SSH key on the backup machine too; only an append-only
/// folder there (`chattr +a`: add, never change or delete) keeps its copy.
#[test]
fn ransomware_reaches_pushed_backups_except_an_append_only_folder() {
    let mut host = Host::new(180);
    host.run("echo data > a.dump");
    host.run("ssh backup-host mkdir -p /backups/safe");
    host.run("scp a.dump backup-host:/backups/safe/");
    host.run("scp a.dump backup-host:/backups/");
    host.run("ssh backup-host chattr +a /backups/safe");
    let out = host.run("scp a.dump backup-host:/backups/safe/a.dump");
    assert!(
        !out.contains("Operation not permitted"),
        "the same bytes again change nothing: {out}"
    );
    host.run("echo other > a.dump");
    let out = host.run("scp a.dump backup-host:/backups/safe/a.dump");
    assert!(out.contains("Operation not permitted"), "{out}");
    host.fault("ransomware");
    assert_eq!(
        host.run("ssh backup-host ls /backups/safe").trim(),
        "a.dump"
    );
    assert!(
        host.run("ssh backup-host ls /backups")
            .contains("a.dump.locked")
    );
    assert_eq!(
        host.run("ssh backup-host cat /backups/safe/a.dump").trim(),
        "data"
    );
}

/// A second disk (util-linux `mount`/`umount` and their messages): a medium of its own, which
/// survives the system disk's death (unmounted, as its fstab line was on the lost disk), and which
/// ransomware encrypts when it is left mounted read-write, not when it is detached. 3-2-1 counts
/// it as a second medium.
#[test]
fn a_second_disk_is_another_medium_and_only_safe_when_detached() {
    let mut host = Host::new(31);
    db_with_rows(&mut host, 2);
    let out = host.run("sudo mount /dev/sdb1 /mnt/backup");
    assert!(
        out.contains("mount: /mnt/backup: mount point does not exist."),
        "{out}"
    );
    let out = host.run("sudo mount /dev/sdc1 /srv");
    assert!(
        out.contains("special device /dev/sdc1 does not exist."),
        "{out}"
    );
    host.run("sudo mkdir -p /mnt/backup");
    host.run("sudo mount /dev/sdb1 /mnt/backup");
    let out = host.run("mount");
    assert!(
        out.contains("/dev/sdb1 on /mnt/backup type ext4 (rw,relatime)"),
        "{out}"
    );
    // A throwaway container writes the archive through a bind mount onto the second disk.
    host.run("docker stop db");
    let out = host.run(
        "docker run --rm -v pgdata:/data:ro -v /mnt/backup:/backup alpine tar czf /backup/pgdata.tar.gz -C /data .",
    );
    assert!(!out.contains("rror"), "{out}");
    host.run("docker start db");
    host.wait(3_000);
    let r = dockyard::sim::backup::rule_321(host.world());
    assert_eq!((r.copies, r.media, r.offsite), (2, 2, 0));
    // Unmounted, the files are on the disk, not in the folder.
    let out = host.run("sudo umount /mnt/backup");
    assert!(!out.contains("umount:"), "{out}");
    let out = host.run("ls /mnt/backup");
    assert!(!out.contains("pgdata.tar.gz"), "{out}");
    let out = host.run("sudo umount /mnt/backup");
    assert!(out.contains("umount: /mnt/backup: not mounted."), "{out}");
    assert_eq!(dockyard::sim::backup::rule_321(host.world()).media, 2);

    // Read-only: nothing can be written there.
    host.run("sudo mount -o ro /dev/sdb1 /mnt/backup");
    let out = host.run("echo x > /mnt/backup/note");
    assert!(out.contains("Read-only file system"), "{out}");
    let out = host.run("rm /mnt/backup/pgdata.tar.gz");
    assert!(out.contains("Read-only file system"), "{out}");
    host.run("sudo umount /mnt/backup");

    // The system disk dies: the second disk keeps its archive, unmounted.
    host.fault("lose-disk");
    let out = host.run("ls /mnt");
    assert!(out.contains("No such file"), "{out}");
    host.run("sudo mkdir -p /mnt/backup");
    host.run("sudo mount /dev/sdb1 /mnt/backup");
    let out = host.run("ls /mnt/backup");
    assert!(out.contains("pgdata.tar.gz"), "{out}");

    // Left mounted read-write, ransomware encrypts it with everything else.
    host.fault("ransomware");
    let out = host.run("ls /mnt/backup");
    assert!(out.contains("pgdata.tar.gz.locked"), "{out}");
}

/// Detached when ransomware runs, the second disk's archive is intact.
#[test]
fn ransomware_cannot_reach_a_detached_disk() {
    let mut host = Host::new(32);
    host.run("sudo mkdir -p /mnt/backup");
    host.run("sudo mount /dev/sdb1 /mnt/backup");
    host.run("echo rows > /mnt/backup/dump.sql");
    host.run("sudo umount /mnt/backup");
    host.fault("ransomware");
    host.run("sudo mount /dev/sdb1 /mnt/backup");
    let out = host.run("cat /mnt/backup/dump.sql");
    assert!(out.contains("rows"), "{out}");
}

/// Redis 7's multi-part AOF rewrite (redis.io "Redis persistence", "Backing up AOF persistence":
/// pause automatic rewrites, check `aof_rewrite_in_progress:0`, then copy `appendonlydir`):
/// `BGREWRITEAOF` opens the next incr file at once, shows `aof_rewrite_in_progress:1` until the
/// new base is written, then names it in the manifest and deletes the old files. A tar of the
/// folder that runs across that end can hold the new manifest without the new base: Redis
/// refuses to start from it. A copy taken with no rewrite running always restores.
#[test]
fn an_aof_copy_taken_during_a_rewrite_may_not_start() {
    let mut refused = 0;
    let mut loaded = 0;
    for seed in 150..158 {
        let mut host = Host::new(seed);
        host.run("docker run -d --name aof -v aofdata:/data redis:7 redis-server --appendonly yes");
        host.wait(2_000);
        host.run("docker exec aof redis-cli SET k v");
        let out = host.run("docker exec aof redis-cli BGREWRITEAOF");
        assert!(
            out.contains("Background append only file rewriting started"),
            "{out}"
        );
        let out = host.run("docker exec aof redis-cli BGREWRITEAOF");
        assert!(out.contains("already in progress"), "{out}");
        let info = host.run("docker exec aof redis-cli INFO persistence");
        assert!(info.contains("aof_rewrite_in_progress:1"), "{info}");
        let ls = host.run("docker exec aof ls /data/appendonlydir");
        assert!(ls.contains("appendonly.aof.2.incr.aof"), "{ls}");
        host.run("docker exec aof redis-cli SET during yes");
        host.run(
            "docker run --rm -v aofdata:/data -v $(pwd):/backup alpine tar czf /backup/aof.tar.gz -C /data appendonlydir",
        );
        host.wait(3_000);
        let info = host.run("docker exec aof redis-cli INFO persistence");
        assert!(info.contains("aof_rewrite_in_progress:0"), "{info}");
        let ls = host.run("docker exec aof ls /data/appendonlydir");
        assert!(
            ls.contains("appendonly.aof.2.base.rdb") && !ls.contains("appendonly.aof.1.base.rdb"),
            "{ls}"
        );
        // Restore the copy into a fresh volume and start Redis on it.
        host.run("docker run --rm -v restored:/data -v $(pwd):/backup alpine tar xzf /backup/aof.tar.gz -C /data");
        host.run(
            "docker run -d --name back -v restored:/data redis:7 redis-server --appendonly yes",
        );
        host.wait(2_000);
        let logs = host.logs("back");
        if logs.contains("Unable to obtain the AOF file appendonly.aof.2.base.rdb length") {
            refused += 1;
        } else {
            assert_eq!(host.run("docker exec back redis-cli GET k").trim(), "\"v\"");
            assert_eq!(
                host.run("docker exec back redis-cli GET during").trim(),
                "\"yes\""
            );
            loaded += 1;
        }
    }
    assert!(
        refused > 0 && loaded > 0,
        "refused {refused}, loaded {loaded}"
    );
}

/// With no rewrite running (rewrites paused, `aof_rewrite_in_progress:0`), the copy loads.
#[test]
fn an_aof_copy_with_rewrites_paused_loads() {
    for seed in 160..164 {
        let mut host = Host::new(seed);
        host.run("docker run -d --name aof -v aofdata:/data redis:7 redis-server --appendonly yes");
        host.wait(2_000);
        host.run("docker exec aof redis-cli SET k v");
        host.run("docker exec aof redis-cli BGREWRITEAOF");
        host.wait(3_000);
        host.run("docker exec aof redis-cli CONFIG SET auto-aof-rewrite-percentage 0");
        let info = host.run("docker exec aof redis-cli INFO persistence");
        assert!(info.contains("aof_rewrite_in_progress:0"), "{info}");
        host.run("docker exec aof redis-cli SET after yes");
        host.run(
            "docker run --rm -v aofdata:/data -v $(pwd):/backup alpine tar czf /backup/aof.tar.gz -C /data appendonlydir",
        );
        host.run("docker run --rm -v restored:/data -v $(pwd):/backup alpine tar xzf /backup/aof.tar.gz -C /data");
        host.run(
            "docker run -d --name back -v restored:/data redis:7 redis-server --appendonly yes",
        );
        host.wait(2_000);
        assert_eq!(
            host.run("docker exec back redis-cli GET after").trim(),
            "\"yes\""
        );
        assert_eq!(host.run("docker exec back redis-cli GET k").trim(), "\"v\"");
    }
}
