// The GoRules Zen leg of bench/side-by-side.py: the workload it wrote, each claim evaluated by
// the Wuxi chronic decision (wuxi-chronic-2021.json beside this file) on the calling thread, one
// evaluation at a time, each enrollee's claims in order with the year's state (account balance,
// deductible base, payments against the cap) carried between them by this driver, as a caller of a
// stateless rules engine must. Prints one JSON line: claims, best wall and CPU times, checksum.
//
//   node bench/zen/settle.mjs ZEN_DIR WORKLOAD_DIR [ROUNDS]
//
// ZEN_DIR is where `npm install` put @gorules/zen-engine (package.json beside this file).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const [zenDir, dir, roundsArg] = process.argv.slice(2);
const require = createRequire(join(zenDir, 'package.json'));
const { ZenEngine } = require('@gorules/zen-engine');
const here = dirname(fileURLToPath(import.meta.url));

function array(name, Type) {
  const b = readFileSync(join(dir, name));
  return new Type(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

const [people, rows] = readFileSync(join(dir, 'counts'), 'utf8').trim().split(/\s+/).map(Number);
const personType = array('person_type.i32', Int32Array);
const balance = array('balance.i64', BigInt64Array);
const enrollee = array('enrollee.u32', Uint32Array);
const itemStart = array('item_start.u64', BigUint64Array);
const itemFen = array('item_fen.i64', BigInt64Array);
const itemClass = array('item_class.i32', Int32Array);

// the claims as the decision reads them: each row's items summed by class (A 1, B 2, C 3)
const claims = [];
for (let i = 0; i < rows; i++) {
  const fen = [0, 0, 0, 0];
  for (let j = Number(itemStart[i]); j < Number(itemStart[i + 1]); j++)
    fen[itemClass[j]] += Number(itemFen[j]);
  claims.push({ enrollee: enrollee[i], fen_a: fen[1], fen_b: fen[2], fen_c: fen[3] });
}
const byEnrollee = Array.from({ length: people }, () => []);
claims.forEach((c, i) => byEnrollee[c.enrollee].push(i));

// mb_amount order: the names the decision's outputs carry, and the checksum's weights
const AMOUNTS = ['medfee_sumamt', 'fulamt_ownpay_amt', 'preselfpay_amt', 'inscp_scp_amt', 'act_pay_dedc',
  'hifp_pay', 'hifob_pay', 'hifmi_pay', 'maf_pay', 'fund_pay_sumamt', 'psn_part_amt', 'acct_pay',
  'psn_cash_pay', 'balc', 'acct_mulaid_pay', 'overlmt_selfpay'];

const engine = new ZenEngine();
const decision = engine.createDecision(JSON.parse(readFileSync(join(here, 'wuxi-chronic-2021.json'), 'utf8')));

async function run() {
  let sum = 0n;
  const t0 = performance.now(), c0 = process.cpuUsage();
  for (let p = 0; p < people; p++) {
    const state = { balance: Number(balance[p]), base_used: 0, paid_used: 0 };
    for (const i of byEnrollee[p]) {
      const c = claims[i];
      const { result } = await decision.evaluate({
        person_type: personType[p], diseases: 2, fen_a: c.fen_a, fen_b: c.fen_b, fen_c: c.fen_c, ...state });
      state.balance = result.balc;
      state.base_used += result.base;
      state.paid_used += result.hifp_pay;
      AMOUNTS.forEach((name, k) => { sum += BigInt(result[name] ?? 0) * BigInt(k % 7 + 1); });
    }
  }
  const cpu = process.cpuUsage(c0); // every thread of the process: Zen evaluates off the main one
  return { seconds: (performance.now() - t0) / 1000, cpu: (cpu.user + cpu.system) / 1e6, checksum: sum };
}

let best = null;
for (let r = 0; r < Number(roundsArg || 1); r++) {
  const got = await run();
  if (best === null)
    best = got;
  best.seconds = Math.min(best.seconds, got.seconds);
  best.cpu = Math.min(best.cpu, got.cpu);
}
// the checksum as digits: it may pass 2^53
console.log(`{"engine": "GoRules Zen (@gorules/zen-engine ${require('@gorules/zen-engine/package.json').version}, ` +
  `Node.js ${process.versions.node})", "claims": ${rows}, "seconds": ${best.seconds}, "cpu": ${best.cpu}, ` +
  `"checksum": ${best.checksum}}`);
