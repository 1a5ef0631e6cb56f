import { Capacity, CapacityKinds } from '../../lib/core/capacity';
import { catchConfigError as configError } from '../support/errors';


const CR1 = 'cr-0123456789abcdef0';
const CR2 = 'cr-0fedcba9876543210';

describe('Capacity', () => {
  test('onDemand', () => {
    const c = Capacity.onDemand();
    expect(c.kind).toBe(CapacityKinds.ON_DEMAND);
    expect(c.fallbackToOnDemand).toBe(false);
    expect(c.interruptible).toBe(false);
    expect(c.karpenterCapacityTypes).toEqual(['on-demand']);
    expect(c.eksCapacityType).toBe('ON_DEMAND');
    expect(c.capacityReservationIds).toEqual([]);
    expect(c.toString()).toBe('on-demand');
  });

  test('spot without fallback by default', () => {
    const c = Capacity.spot();
    expect(c.kind).toBe('spot');
    expect(c.fallbackToOnDemand).toBe(false);
    expect(c.interruptible).toBe(true);
    expect(c.karpenterCapacityTypes).toEqual(['spot']);
    expect(c.eksCapacityType).toBe('SPOT');
  });

  test('spot with fallback lets Karpenter use on-demand, managed node groups stay SPOT', () => {
    const c = Capacity.spot({ fallbackToOnDemand: true });
    expect(c.fallbackToOnDemand).toBe(true);
    expect(c.karpenterCapacityTypes).toEqual(['spot', 'on-demand']);
    expect(c.eksCapacityType).toBe('SPOT');
    expect(c.toString()).toBe('spot(fallbackToOnDemand)');
  });

  test('reserved with On-Demand Capacity Reservation ids', () => {
    const c = Capacity.reserved({ capacityReservationIds: [CR1, CR2] });
    expect(c.kind).toBe('reserved');
    expect(c.capacityReservationIds).toEqual([CR1, CR2]);
    expect(c.capacityBlock).toBe(false);
    expect(c.interruptible).toBe(false);
    expect(c.karpenterCapacityTypes).toEqual(['reserved']);
    expect(c.eksCapacityType).toBe('ON_DEMAND');
  });

  test('reserved with fallback allows reserved then on-demand', () => {
    expect(Capacity.reserved({ capacityReservationIds: [CR1], fallbackToOnDemand: true }).karpenterCapacityTypes).toEqual(['reserved', 'on-demand']);
  });

  test('reserved without ids relies on open reservations through on-demand launches', () => {
    const c = Capacity.reserved();
    expect(c.kind).toBe('reserved');
    expect(c.karpenterCapacityTypes).toEqual(['on-demand']);
    expect(c.eksCapacityType).toBe('ON_DEMAND');
  });

  test('Capacity Blocks use the CAPACITY_BLOCK node group type', () => {
    const c = Capacity.reserved({ capacityReservationIds: [CR1], capacityBlock: true });
    expect(c.capacityBlock).toBe(true);
    expect(c.karpenterCapacityTypes).toEqual(['reserved']);
    expect(c.eksCapacityType).toBe('CAPACITY_BLOCK');
  });

  test('accepts an unresolved token as a reservation id', () => {
    const token = '${TfToken[TOKEN.42]}';
    expect(Capacity.reserved({ capacityReservationIds: [token] }).capacityReservationIds).toEqual([token]);
  });

  test('copies the ids and keeps them read-only', () => {
    const ids = [CR1];
    const c = Capacity.reserved({ capacityReservationIds: ids });
    ids.push(CR2);
    expect(c.capacityReservationIds).toEqual([CR1]);
    expect(() => (c.capacityReservationIds as string[]).push(CR2)).toThrow(TypeError);
  });

  test.each([['cr-123'], ['odcr-0123456789abcdef0'], ['cr-0123456789ABCDEF0'], ['']])('throws when a reservation id is %j', (id) => {
    const e = configError(() => Capacity.reserved({ capacityReservationIds: [CR1, id] }));
    expect(e.constructPath).toBe('-');
    expect(e.field).toBe('capacity.capacityReservationIds[1]');
    expect(e.message).toContain(JSON.stringify(id));
    expect(e.message).toContain('"cr-" followed by 17 hex digits');
  });

  test('throws when a reservation id is not a string', () => {
    const e = configError(() => Capacity.reserved({ capacityReservationIds: [42 as any] }));
    expect(e.field).toBe('capacity.capacityReservationIds[0]');
    expect(e.message).toContain('received 42');
    expect(e.message).toContain('capacity reservation id');
  });

  test('throws when a reservation id is listed twice', () => {
    const e = configError(() => Capacity.reserved({ capacityReservationIds: [CR1, CR1] }));
    expect(e.field).toBe('capacity.capacityReservationIds[1]');
    expect(e.message).toContain(JSON.stringify(CR1));
    expect(e.message).toContain('once');
  });

  test('throws when capacityBlock is set without ids', () => {
    const e = configError(() => Capacity.reserved({ capacityBlock: true }));
    expect(e.field).toBe('capacity.capacityReservationIds');
    expect(e.message).toContain('received []');
    expect(e.message).toContain('at least one Capacity Block id');
  });
});
