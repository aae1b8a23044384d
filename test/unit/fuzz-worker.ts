/** Runs fuzz cases off the test's thread, so that a hang can be stopped and reported (see CaseRunner). */
import { parentPort } from 'node:worker_threads';
import { projectKb } from '../support/service';
import { runCase, type CaseInput } from './fuzz-harness';

const kb = projectKb();
parentPort!.postMessage({ ready: true });
parentPort!.on('message', (msg: { id: number; input: CaseInput }) => {
  void runCase(kb, msg.input).then((result) => parentPort!.postMessage({ id: msg.id, result }));
});
