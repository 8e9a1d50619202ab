//! `tim-seedgen`: print a deterministic seed document to stdout.
//!
//! ```text
//! tim-seedgen [--users N] [--conversations N] [--seed N] [--demo] [--base-time SECS]
//! ```

use std::io::Write;
use tim_emulator::seedgen::{generate, GenOptions};

fn main() {
    let mut o = GenOptions::default();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    let num = |v: Option<&String>, flag: &str| -> u64 {
        match v.and_then(|s| s.parse::<u64>().ok()) {
            Some(n) => n,
            None => {
                eprintln!("tim-seedgen: {flag} needs a non-negative integer");
                std::process::exit(2);
            }
        }
    };
    while i < args.len() {
        match args[i].as_str() {
            "--users" => {
                o.users = num(args.get(i + 1), "--users") as usize;
                i += 1;
            }
            "--conversations" => {
                o.conversations = num(args.get(i + 1), "--conversations") as usize;
                i += 1;
            }
            "--seed" => {
                o.seed = num(args.get(i + 1), "--seed");
                i += 1;
            }
            "--base-time" => {
                o.base_time = num(args.get(i + 1), "--base-time");
                i += 1;
            }
            "--demo" => o.demo = true,
            "-h" | "--help" => {
                println!("usage: tim-seedgen [--users N] [--conversations N] [--seed N] [--demo] [--base-time SECS]\n\n--demo: users alice..erin (+ empty frank); alice gets --conversations conversations.\nWithout --demo: users user_0001.. each with --conversations conversations.");
                return;
            }
            other => {
                eprintln!("tim-seedgen: unknown argument {other:?} (try --help)");
                std::process::exit(2);
            }
        }
        i += 1;
    }
    let doc = generate(&o);
    let text = match serde_json::to_string_pretty(&doc) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("tim-seedgen: {e}");
            std::process::exit(1);
        }
    };
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{text}").is_err() {
        std::process::exit(1);
    }
}
