import { fixture } from './support';
import { GpuNodePool } from '../../lib/compute/gpu-node-pool';
import { Accelerator } from '../../lib/core/accelerator';
import { Capacity } from '../../lib/core/capacity';
import { GpuSharing } from '../../lib/core/gpu-sharing';
import { CostAssumptions } from '../../lib/cost/assumptions';
import { CostLineKinds, isCostSource, PurchaseOptions } from '../../lib/cost/cost-line';
import { estimatePoolCost } from '../../lib/cost/pool-cost';
import { nodePrice } from '../../lib/cost/prices';
import { EKS_ACCESS } from '../support/eks-access';

const A = CostAssumptions.defaults();
const G6_XLARGE = 0.8048; // USD/h On-Demand, us-east-1 (catalog)

describe('pool cost', () => {
  test('a fixed on-demand pool: min nodes always on (low) to max nodes always on (high), hand-computed', () => {
    const f = fixture();
    const pool = f.pool('l4', { minNodes: 1, maxNodes: 4 });
    expect(isCostSource(pool)).toBe(true);
    const [line] = pool.costEstimate(A);
    expect(line).toMatchObject({
      source: 'acme/prod/l4',
      category: 'pool',
      kind: CostLineKinds.CAPACITY,
      poolPath: 'acme/prod/l4',
      instanceType: 'g6.xlarge',
      purchase: 'on-demand',
      usdPerNodeHour: G6_XLARGE,
      nodeHours: { low: 730, expected: 730, high: 2920 },
    });
    expect(line.monthlyUsd!.low).toBeCloseTo(587.504, 6); // 1 × 730 h × 0.8048
    expect(line.monthlyUsd!.high).toBeCloseTo(2350.016, 6); // 4 × 730 h × 0.8048
    expect(line.worstCaseMonthlyUsd).toBeCloseTo(2350.016, 6);
    expect(line.inputs).toMatchObject({ minNodes: '1', maxNodes: '4', instanceTypes: 'g6.xlarge', capacity: 'on-demand', unitsPerNode: '1 × nvidia.com/gpu' });
    // Spot vs on-demand at max nodes.
    expect(line.scenarios.map((s) => [s.name, s.configured, Math.round(s.monthlyUsd! * 1000) / 1000])).toEqual([
      ['on-demand', true, 2350.016],
      ['spot (assumed 50 % off)', false, 1175.008],
    ]);
  });

  test('a spot pool is priced at the assumed discount; the worst case stays On-Demand', () => {
    const f = fixture({ costAssumptions: new CostAssumptions({ spotDiscount: 0.6 }) });
    const pool = f.pool('l4', { capacity: Capacity.spot(), maxNodes: 2 });
    const [line] = pool.costEstimate(new CostAssumptions({ spotDiscount: 0.6 }));
    expect(line.purchase).toBe(PurchaseOptions.SPOT);
    expect(line.usdPerNodeHour).toBeCloseTo(G6_XLARGE * 0.4, 10);
    expect(line.monthlyUsd!.high).toBeCloseTo(2 * 730 * G6_XLARGE * 0.4, 6);
    expect(line.worstCaseMonthlyUsd).toBeCloseTo(2 * 730 * G6_XLARGE, 6);
    expect(line.scenarios.find((s) => s.configured)!.name).toBe('spot (assumed 60 % off)');
  });

  test('spot with on-demand fallback on managed node groups: a second, on-demand group up to max nodes', () => {
    const pool = fixture().pool('l4', { capacity: Capacity.spot({ fallbackToOnDemand: true }), maxNodes: 3 });
    const lines = pool.costEstimate(A);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ description: 'On-Demand fallback node group (g6.xlarge)', purchase: 'on-demand', usdPerNodeHour: G6_XLARGE, nodeHours: { low: 0, expected: 0, high: 3 * 730 } });
    expect(lines[1].monthlyUsd!.high).toBeCloseTo(3 * 730 * G6_XLARGE, 6);
  });

  test('spot with fallback on Karpenter: one pool, one line (Karpenter picks the capacity type)', () => {
    const f = fixture({}, { karpenter: true });
    expect(f.pool('l4', { capacity: Capacity.spot({ fallbackToOnDemand: true }) }).costEstimate(A)).toHaveLength(1);
  });

  test('several instance types (Karpenter): priced at the preferred one, worst case at the most expensive', () => {
    // A managed node group takes one instance shape; Karpenter may pick any of the accelerator's types.
    const pool = new GpuNodePool(fixture({}, { karpenter: true }).cluster, 'l4', { accelerator: Accelerator.NVIDIA_L4, maxNodes: 4 });
    const [line] = pool.costEstimate(A);
    expect(line.instanceType).toBe('g6.xlarge');
    expect(line.worstCaseMonthlyUsd).toBeCloseTo(4 * 730 * 13.3504, 6); // g6.48xlarge
    expect(line.notes.join(' ')).toMatch(/preferred type g6.xlarge; the provisioner may pick any of 8 types/);
  });

  test('an instance type without a price is reported as unknown, never guessed', () => {
    const pool = new GpuNodePool(fixture().cluster, 'h200', { accelerator: Accelerator.NVIDIA_H200, instanceTypes: ['p5e.48xlarge'], maxNodes: 1 });
    const [line] = pool.costEstimate(A);
    expect(line.usdPerNodeHour).toBeUndefined();
    expect(line.monthlyUsd).toBeUndefined();
    expect(line.worstCaseMonthlyUsd).toBeUndefined();
    expect(line.notes.join(' ')).toMatch(/no On-Demand price for p5e.48xlarge in the catalog/);
  });

  test('outside us-east-1 the list price is used and the note says so', () => {
    const f = fixture();
    const eu = f.platform.addEksCluster('eu', { region: 'eu-west-1', availabilityZones: ['eu-west-1a', 'eu-west-1b'], ...EKS_ACCESS, vpcCidr: '10.1.0.0/16' });
    const pool = new GpuNodePool(eu, 'l4', { accelerator: Accelerator.NVIDIA_L4, instanceTypes: ['g6.xlarge'], maxNodes: 1 });
    expect(pool.costEstimate(A)[0].notes.join(' ')).toMatch(/priced at the us-east-1 list price; eu-west-1 may differ/);
  });

  test('time slicing: units per node in the inputs', () => {
    const pool = fixture().pool('l4', { sharing: GpuSharing.timeSlicing(4) });
    expect(pool.costEstimate(A)[0].inputs.unitsPerNode).toBe('4 × nvidia.com/gpu');
  });

  test('existing nodes: one zero line that says no cloud cost is estimated', () => {
    const f = fixture();
    const lab = f.platform.addExistingCluster('lab');
    const pool = GpuNodePool.fromExistingNodes(lab, 'a100', { accelerator: Accelerator.NVIDIA_A100_80GB, nodeSelector: { gpu: 'a100' }, gpus: 8 });
    const lines = estimatePoolCost(pool, A);
    expect(isCostSource(pool)).toBe(true);
    expect(lines).toEqual([expect.objectContaining({ purchase: 'existing', usdPerNodeHour: 0, monthlyUsd: { low: 0, expected: 0, high: 0 } })]);
    expect(lines[0].notes[0]).toMatch(/no cloud cost is estimated/);
  });

  test('capacity blocks have no price; on-demand capacity reservations bill at the On-Demand rate', () => {
    const pool = fixture().pool('l4', {});
    expect(nodePrice(pool, 'g6.xlarge', A, PurchaseOptions.CAPACITY_BLOCK)).toMatchObject({ usdPerHour: undefined, onDemandUsdPerHour: G6_XLARGE });
    expect(nodePrice(pool, 'g6.xlarge', A, PurchaseOptions.RESERVED).usdPerHour).toBe(G6_XLARGE);
  });
});
