#!/usr/bin/env node
// tim-contacts: bulk jobs over a Tencent Cloud IM app. See ../README.md, or run with --help.
import { main } from "../lib/main.mjs";

process.exitCode = await main(process.argv.slice(2));
