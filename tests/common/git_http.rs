//! Real git remotes on loopback: git's own smart-HTTP server (`git http-backend`, run as CGI for each request
//! by a small HTTP/1.1 server here), and an ssh stand-in in the manner of git's test suite (`t/helper/
//! test-fake-ssh`): a program given as `GIT_SSH_COMMAND` that runs the requested `git-upload-pack` locally.
//! What the clients sent is kept, so tests can check a fetch was shallow.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A smart-HTTP git server over `root` on 127.0.0.1.
pub struct GitHttp {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// Every request body the server received (the fetch negotiation), in order.
    pub bodies: Arc<Mutex<Vec<String>>>,
}

/// A request: method, target, headers (lower-case names), body.
type Request = (String, String, Vec<(String, String)>, Vec<u8>);

fn read_request(stream: &mut std::net::TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next()?.to_string(), parts.next()?.to_string());
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let get = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let mut body = Vec::new();
    if get("transfer-encoding").is_some_and(|t| t.eq_ignore_ascii_case("chunked")) {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).ok()?;
            let size = usize::from_str_radix(size.trim().split(';').next()?, 16).ok()?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).ok()?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(length) = get("content-length").and_then(|l| l.parse::<usize>().ok()) {
        body.resize(length, 0);
        reader.read_exact(&mut body).ok()?;
    }
    Some((method, target, headers, body))
}

impl GitHttp {
    /// Serves the repositories under `root` until the test ends.
    pub fn serve(root: &Path) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let (root, kept) = (root.to_path_buf(), bodies.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let (root, kept) = (root.clone(), kept.clone());
                std::thread::spawn(move || {
                    let Some((method, target, headers, body)) = read_request(&mut stream) else {
                        return;
                    };
                    kept.lock()
                        .unwrap()
                        .push(String::from_utf8_lossy(&body).into_owned());
                    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
                    let get = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
                    let mut cgi = std::process::Command::new("git")
                        .arg("http-backend")
                        .env("GIT_PROJECT_ROOT", &root)
                        .env("GIT_HTTP_EXPORT_ALL", "1")
                        .env("REQUEST_METHOD", &method)
                        .env("PATH_INFO", path)
                        .env("QUERY_STRING", query)
                        .env("CONTENT_TYPE", get("content-type").unwrap_or_default())
                        .env("CONTENT_LENGTH", body.len().to_string())
                        .env("GIT_PROTOCOL", get("git-protocol").unwrap_or_default())
                        .env("REMOTE_ADDR", "127.0.0.1")
                        .stdin(std::process::Stdio::piped())
                        .stdout(std::process::Stdio::piped())
                        .stderr(std::process::Stdio::null())
                        .spawn()
                        .unwrap();
                    cgi.stdin.take().unwrap().write_all(&body).unwrap();
                    let output = cgi.wait_with_output().unwrap();
                    let split = output
                        .stdout
                        .windows(4)
                        .position(|w| w == b"\r\n\r\n")
                        .map(|p| (p, 4))
                        .or_else(|| {
                            output
                                .stdout
                                .windows(2)
                                .position(|w| w == b"\n\n")
                                .map(|p| (p, 2))
                        });
                    let Some((at, gap)) = split else { return };
                    let head = String::from_utf8_lossy(&output.stdout[..at]).into_owned();
                    let content = &output.stdout[at + gap..];
                    let mut status = "200 OK".to_string();
                    let mut response = String::new();
                    for line in head.lines() {
                        match line.split_once(':') {
                            Some((name, value)) if name.eq_ignore_ascii_case("status") => {
                                status = value.trim().to_string();
                            }
                            Some(_) => response.push_str(&format!("{line}\r\n")),
                            None => {}
                        }
                    }
                    let _ = stream.write_all(
                        format!(
                            "HTTP/1.1 {status}\r\n{response}Content-Length: {}\r\nConnection: close\r\n\r\n",
                            content.len()
                        )
                        .as_bytes(),
                    );
                    let _ = stream.write_all(content);
                });
            }
        });
        Self { url, bodies }
    }

    /// Did a client ask for a shallow history (`deepen`, `deepen-since`)?
    pub fn asked_shallow(&self) -> bool {
        self.bodies
            .lock()
            .unwrap()
            .iter()
            .any(|body| body.contains("deepen-since") || body.contains("deepen "))
    }
}

/// Writes an ssh stand-in into `dir` and returns its path, for `GIT_SSH_COMMAND`: it ignores the host and the
/// options and runs the remote command (`git-upload-pack '/path'`) here, passing `GIT_PROTOCOL` on. Requests are
/// logged to `<dir>/ssh.log`.
pub fn fake_ssh(dir: &Path) -> PathBuf {
    let script = dir.join("fake-ssh");
    let log = dir.join("ssh.log");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\n\
# `ssh -G host` asks which ssh this is: answer as OpenSSH does (success), so the client sends GIT_PROTOCOL\n\
case \"$1\" in -G) exit 0;; esac\n\
echo \"$@\" >> '{}'\n\
# skip the options, then the host; the rest is the command for the remote shell, as ssh joins it\n\
while [ $# -gt 0 ]; do case \"$1\" in -o|-p|-i|-l) shift 2;; -*) shift;; *) break;; esac; done\n\
shift\n\
exec sh -c \"$*\"\n",
            log.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}
