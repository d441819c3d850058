import { readFileSync } from 'node:fs';
import { route } from '../shared/routing/route.js';
const texts = readFileSync('/work/wt/shared/eval/routing-sample.jsonl','utf8').split('\n').filter(Boolean).map(l=>JSON.parse(l).text);
for (const f of ['routingDev.jsonl','routingDev2.jsonl','routingDevE.jsonl']) for (const l of readFileSync('test/shared/eval/'+f,'utf8').split('\n').filter(Boolean)) texts.push(JSON.parse(l).text);
for (let i=0;i<3000;i++) route(texts[i%texts.length]!);
const t=process.cpuUsage(); const N=100000;
for (let i=0;i<N;i++) route(texts[i%texts.length]!);
const c=process.cpuUsage(t); console.log(((c.user+c.system)/N).toFixed(1),'us cpu');
