/** Example READMEs show the diagram their synth writes (`npm run readme-diagrams` updates them). */
import { listExamples } from '../../scripts/examples';
import { generatedDiagram, readmeDiagram } from '../../scripts/readme-diagrams';

const withDiagram = listExamples().filter((e) => readmeDiagram(e) !== undefined);

test('every example README has a generated diagram section', () => {
  expect(withDiagram.map((e) => e.name)).toEqual(listExamples().map((e) => e.name));
});

test.each(withDiagram.map((e) => [e.name, e] as const))('%s: the README diagram is the one synth writes (run npm run readme-diagrams)', (_name, example) => {
  expect(readmeDiagram(example)!.block).toBe(generatedDiagram(example));
}, 60_000);
