//! The `moodle-management` binary, run as users run it.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// The binary cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_moodle-management");

/// What a finished run printed, and its exit code (-1 when killed by a signal).
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the binary with `args` and nothing on stdin: (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = run_with(args, &[], "");
    (out.code, out.stdout, out.stderr)
}

/// Runs the binary with `args`, the variables `env` and `stdin` as its input, and waits.
/// The caller's `RUST_LOG`, `MM_SECRET_KEY` and `MM_SECRET_KEY_FILE` are not passed on: what
/// the run sees is what the test gives it.
pub fn run_with(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("MM_SECRET_KEY")
        .env_remove("MM_SECRET_KEY_FILE")
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run the binary");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `serve --config cfg`, logging warnings and errors only, killed if dropped.
pub fn serve_command(cfg: &Path) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(BIN);
    cmd.args(["serve", "--config"])
        .arg(cfg)
        .env("RUST_LOG", "warn")
        .kill_on_drop(true);
    cmd
}

/// `serve --config cfg`, started with its output discarded (see [`serve_command`]).
pub fn spawn_serve(cfg: &Path) -> tokio::process::Child {
    serve_command(cfg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start serve")
}
