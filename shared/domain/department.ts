/** Departments: the organisation tree that managers' scope and reporting follow. */
import * as z from 'zod';
import { Id, IsoDateTime, PageCursor, PageLimit, text } from './common.ts';

/** Depth cap keeps the materialised path short and a move's rewrite small. */
export const MAX_DEPARTMENT_DEPTH = 10;

export const CreateDepartmentBody = z
  .strictObject({
    name: text(120),
    parentId: Id.nullable().optional(),
    managerId: Id.nullable().optional(),
  })
  .meta({ id: 'CreateDepartment' });
export type CreateDepartmentInput = z.infer<typeof CreateDepartmentBody>;

export const UpdateDepartmentBody = z
  .strictObject({ name: text(120), parentId: Id.nullable(), managerId: Id.nullable() })
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'name at least one field to change')
  .meta({ id: 'UpdateDepartment' });
export type UpdateDepartmentInput = z.infer<typeof UpdateDepartmentBody>;

export const Department = z
  .object({
    id: Id,
    name: z.string(),
    parentId: Id.nullable(),
    managerId: Id.nullable(),
    /** Ancestors from the root down, not including this department. */
    ancestorIds: z.array(Id),
    /** People directly in this department (not in its sub-departments). */
    memberCount: z.number().int().min(0),
    childCount: z.number().int().min(0),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    version: z.number().int().min(1),
  })
  .meta({ id: 'Department' });
export type Department = z.infer<typeof Department>;

export const DepartmentIdParams = z.strictObject({ id: Id });

export const ListDepartmentsQuery = z.strictObject({
  limit: PageLimit,
  cursor: PageCursor.optional(),
  parentId: Id.optional().describe('Only the direct children of this department'),
});
export type ListDepartmentsQuery = z.infer<typeof ListDepartmentsQuery>;
