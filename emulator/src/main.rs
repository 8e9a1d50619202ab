//! `tim-emulator` command-line entry point. See `--help` and README.md.

use std::io::Write;
use std::path::{Path, PathBuf};
use tim_emulator::{Config, FaultKind, Seed};

const USAGE: &str = "usage: tim-emulator [options]

  --host HOST            bind address (default 127.0.0.1)
  --port PORT            port, 0 = pick a free one (default 8080)
  --sdkappid ID          SDKAppID (default 1400000000)
  --secret-key KEY       SecretKey for UserSig verification (default: the published sample key)
  --admin ID             admin identifier allowed to call the API; may repeat (default administrator)
  --seed FILE            seed document (default emulator/seeds/demo.json); 'none' = empty state
  --rate-limit N         calls per second per endpoint, 0 = off (default 200)
  --page-size N          get_list page size (default 100)
  --contact-group-page-size N  get_contact_group page size (default 100)
  --friend-page-size N         sns/friend_get page size (default 100)
  --fault-rate P         probability in [0,1] of injecting a fault (default 0)
  --fault-kinds LIST     comma-separated kinds: http502,drop,drop-after,truncate,delay:<ms>,error:<code>
  --fault-script LIST    comma-separated kinds consumed one per API request
  --quiet                no per-request log lines
";

fn die(msg: &str) -> ! {
    eprintln!("tim-emulator: {msg}\n\n{USAGE}");
    std::process::exit(2);
}

fn resolve_seed(p: &str) -> PathBuf {
    let path = Path::new(p);
    if path.exists() || path.is_absolute() {
        return path.to_path_buf();
    }
    // relative path that does not exist here: try relative to the workspace
    // root and to the crate directory
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    for base in [crate_dir.parent().unwrap_or(crate_dir), crate_dir] {
        let cand = base.join(path);
        if cand.exists() {
            return cand;
        }
    }
    let stripped = path.strip_prefix("emulator").unwrap_or(path);
    crate_dir.join(stripped)
}

fn parse_kinds(s: &str) -> Vec<FaultKind> {
    s.split(',')
        .filter(|k| !k.trim().is_empty())
        .map(|k| FaultKind::parse(k).unwrap_or_else(|e| die(&e)))
        .collect()
}

fn main() {
    let mut cfg = Config {
        port: 8080,
        ..Config::default()
    };
    let mut admins: Vec<String> = Vec::new();
    let mut seed = String::from("emulator/seeds/demo.json");
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let flag = args[i].as_str();
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (flag, None),
        };
        let takes_value = !matches!(name, "--quiet" | "-h" | "--help");
        let value = if takes_value {
            match inline {
                Some(v) => v,
                None => {
                    i += 1;
                    args.get(i)
                        .cloned()
                        .unwrap_or_else(|| die(&format!("{name} needs a value")))
                }
            }
        } else {
            String::new()
        };
        fn num<T: std::str::FromStr>(v: &str, name: &str) -> T {
            v.parse()
                .unwrap_or_else(|_| die(&format!("{name}: invalid value {v:?}")))
        }
        match name {
            "--host" => cfg.host = value,
            "--port" => cfg.port = num(&value, name),
            "--sdkappid" => cfg.sdk_app_id = num(&value, name),
            "--secret-key" => cfg.secret_key = value,
            "--admin" => admins.push(value),
            "--seed" => seed = value,
            "--rate-limit" => cfg.rate_limit = num(&value, name),
            "--page-size" => cfg.get_list_page_size = num::<usize>(&value, name).max(1),
            "--contact-group-page-size" => {
                cfg.contact_group_page_size = num::<usize>(&value, name).max(1)
            }
            "--friend-page-size" => cfg.friend_page_size = num::<usize>(&value, name).max(1),
            "--fault-rate" => {
                let r: f64 = num(&value, name);
                if !(0.0..=1.0).contains(&r) {
                    die("--fault-rate must be in [0, 1]");
                }
                cfg.faults.rate = r;
            }
            "--fault-kinds" => cfg.faults.kinds = parse_kinds(&value),
            "--fault-script" => cfg.faults.script = parse_kinds(&value).into(),
            "--quiet" => cfg.log = false,
            "-h" | "--help" => {
                print!("{USAGE}");
                return;
            }
            other => die(&format!("unknown argument {other:?}")),
        }
        i += 1;
    }
    if !admins.is_empty() {
        cfg.admins = admins;
    }
    if seed != "none" {
        let path = resolve_seed(&seed);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| die(&format!("cannot read seed {}: {e}", path.display())));
        let doc: Seed = serde_json::from_str(&text)
            .unwrap_or_else(|e| die(&format!("invalid seed {}: {e}", path.display())));
        cfg.seed = doc;
    }
    let running = match tim_emulator::start(cfg) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("tim-emulator: cannot start: {e}");
            std::process::exit(1);
        }
    };
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "tim-emulator listening on {}", running.base_url());
        let _ = out.flush();
    }
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tim-emulator: {e}");
            std::process::exit(1);
        }
    };
    rt.block_on(async {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            match signal(SignalKind::terminate()) {
                Ok(mut term) => {
                    tokio::select! {
                        _ = tokio::signal::ctrl_c() => {}
                        _ = term.recv() => {}
                    }
                }
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    });
    eprintln!("tim-emulator: shutting down");
    running.shutdown();
}
