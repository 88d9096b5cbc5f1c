import type { z } from 'zod';
import {
  contractSchema,
  type ImportContract,
  importFileSchema,
  memberSchema,
  serviceGroupSchema,
} from './import-file-schema.ts';

export type ValuePath = (string | number)[];

/** A service group of the file, with what of it is valid, each part with its path in the file. */
export type GroupEntry = {
  readonly at: ValuePath;
  /** Undefined when the name itself is not valid. */
  readonly name: string | undefined;
  readonly locale: 'ja' | 'en' | null;
  readonly members: { readonly at: ValuePath; readonly member: z.infer<typeof memberSchema> }[];
  readonly contracts: ContractEntry[];
};

/** A contract of the file; `contract` is missing when it is not valid, but its CN may still be checked. */
export type ContractEntry = {
  readonly at: ValuePath;
  readonly cn: string;
  readonly contract?: ImportContract;
};

/**
 * Checks the file against its schema, reporting every issue. So that the checks that follow (CNs
 * within the file and against the database, certificates) also run in this same round, it returns
 * the parts that are valid even when others are not: a file with problems is fixed in one pass.
 */
export function validateImportFile(
  data: unknown,
  problem: (at: ValuePath, message: string) => void,
): GroupEntry[] {
  const parsed = importFileSchema.safeParse(data);
  if (parsed.success) {
    return parsed.data.serviceGroups.map((g, gi) => {
      const at = ['serviceGroups', gi];
      return {
        at,
        name: g.name,
        locale: g.locale ?? null,
        members: g.members.map((member, mi) => ({ at: [...at, 'members', mi], member })),
        contracts: g.contracts.map((contract, ci) => ({
          at: [...at, 'contracts', ci],
          cn: contract.cn,
          contract,
        })),
      };
    });
  }
  for (const issue of parsed.error.issues) problem(issue.path as ValuePath, issue.message);

  const root = record(data);
  const groups = Array.isArray(root?.serviceGroups) ? root.serviceGroups : [];
  const shape = serviceGroupSchema.shape;
  return groups.flatMap((value, gi) => {
    const g = record(value);
    if (!g) return [];
    const at = ['serviceGroups', gi];
    const name = shape.name.safeParse(g.name);
    const locale = shape.locale.safeParse(g.locale);
    return [
      {
        at,
        name: name.success ? name.data : undefined,
        locale: (locale.success ? locale.data : undefined) ?? null,
        members: list(g.members).flatMap((m, mi) => {
          const member = memberSchema.safeParse(m);
          return member.success ? [{ at: [...at, 'members', mi], member: member.data }] : [];
        }),
        contracts: list(g.contracts).flatMap((c, ci) => {
          const contractAt = [...at, 'contracts', ci];
          const contract = contractSchema.safeParse(c);
          if (contract.success) return [{ at: contractAt, cn: contract.data.cn, contract: contract.data }];
          const cn = contractSchema.shape.cn.safeParse(record(c)?.cn);
          return cn.success ? [{ at: contractAt, cn: cn.data }] : [];
        }),
      },
    ];
  });
}

const record = (value: unknown): Record<string, unknown> | undefined =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
