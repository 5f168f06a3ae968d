import * as fc from 'fast-check';
import {
  ADDON_CATALOG, ADDON_CATALOG_VERSION, ADDON_NAMES, cpuCores, jupyterHubBytes, memoryBytes, parseQuantity,
} from '../../lib/core/addons';

describe('catalog', () => {
  test('is deeply frozen: entries, charts, parameters and ports cannot be changed or added', () => {
    const c = ADDON_CATALOG as any;
    expect(() => { c.grafana = {}; }).toThrow(TypeError);
    expect(() => { c.jupyterhub.charts[0].version = '9.9.9'; }).toThrow(TypeError);
    expect(() => { c.kuberay.ports.push({}); }).toThrow(TypeError);
    expect(() => { c.jupyterhub.parameters[0].default = '64'; }).toThrow(TypeError);
    expect(ADDON_CATALOG.jupyterhub.charts[0].version).toBe('4.4.0');
    expect(ADDON_CATALOG_VERSION).toMatch(/^\d{4}\.\d+\.\d+$/);
  });

  test('every add-on has exactly one primary chart and dependsOn only names earlier components', () => {
    for (const a of ADDON_NAMES) {
      const charts = ADDON_CATALOG[a].charts;
      expect(charts.filter((c) => c.primary)).toHaveLength(1);
      charts.forEach((c, i) => {
        for (const d of c.dependsOn) expect(charts.slice(0, i).map((x) => x.component)).toContain(d);
      });
    }
  });

  test('seed ports: JupyterHub proxy 80, KubeRay dashboard 8265, both public', () => {
    expect(ADDON_CATALOG.jupyterhub.ports.find((p) => p.port === 80)?.access).toBe('public');
    expect(ADDON_CATALOG.kuberay.ports.find((p) => p.port === 8265)?.access).toBe('public');
  });

  test('parameter defaults are valid for their kind', () => {
    for (const a of ADDON_NAMES) {
      for (const p of ADDON_CATALOG[a].parameters) {
        if (p.default === undefined) continue;
        if (['cpu', 'memory', 'storage'].includes(p.kind)) expect(parseQuantity(p.default)).toBeDefined();
        if (p.kind === 'enum') expect(p.allowed).toContain(p.default);
      }
    }
  });
});

describe('quantity', () => {
  test.each([
    ['500m', 0.5], ['2', 2], [1.5, 1.5], ['0.1', 0.1], ['1k', 1000], ['2e0', 2],
  ])('CPU %p = %p cores', (q, cores) => {
    expect(cpuCores(parseQuantity(q)!)).toBe(cores);
  });

  test.each([
    ['4Gi', 4n * 2n ** 30n], ['4G', 4_000_000_000n], ['1.5Gi', 3n * 2n ** 29n], ['512Mi', 512n * 2n ** 20n], ['1e3', 1000n], ['100', 100n],
  ])('memory %p = %p bytes', (q, bytes) => {
    expect(memoryBytes(parseQuantity(q)!)).toBe(bytes);
  });

  test.each(['', 'Gi', '1GB', '-1', '1.2.3', '1 Gi', 'one', '0x10', '1e40', '2e3m'])('%p is not a quantity', (q) => {
    expect(parseQuantity(q)).toBeUndefined();
  });

  test('JupyterHub byte notation uses binary suffixes and falls back to bytes', () => {
    expect(jupyterHubBytes(memoryBytes(parseQuantity('4Gi')!))).toBe('4G');
    expect(jupyterHubBytes(memoryBytes(parseQuantity('1.5Gi')!))).toBe('1536M');
    // Kubernetes "4G" is decimal: 4e9 bytes = 3906250 KiB, not JupyterHub's "4G" (4 GiB).
    expect(jupyterHubBytes(memoryBytes(parseQuantity('4G')!))).toBe('3906250K');
    expect(jupyterHubBytes(1000n)).toBe(1000);
  });

  test('property: the JupyterHub notation denotes exactly the bytes of the Kubernetes quantity', () => {
    const UNITS: Record<string, bigint> = { K: 1n << 10n, M: 1n << 20n, G: 1n << 30n, T: 1n << 40n };
    const SUFFIX: Record<string, bigint> = { '': 1n, k: 1000n, M: 10n ** 6n, G: 10n ** 9n, Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n };
    fc.assert(fc.property(fc.integer({ min: 1, max: 100000 }), fc.constantFrom(...Object.keys(SUFFIX)), (n, s) => {
      const bytes = memoryBytes(parseQuantity(`${n}${s}`)!);
      expect(bytes).toBe(BigInt(n) * SUFFIX[s]);
      const jh = jupyterHubBytes(bytes);
      const back = typeof jh === 'number' ? BigInt(jh) : BigInt(jh.slice(0, -1)) * UNITS[jh.slice(-1)];
      expect(back).toBe(bytes);
    }));
  });
});
