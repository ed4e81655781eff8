/** Department routes. */
import { pageOf } from '../domain/common.ts';
import {
  CreateDepartmentBody,
  Department,
  DepartmentIdParams,
  ListDepartmentsQuery,
  UpdateDepartmentBody,
} from '../domain/department.ts';
import { defineRoute } from '../http/route.ts';

export const createDepartment = defineRoute({
  id: 'createDepartment',
  method: 'POST',
  path: '/departments',
  handler: 'functions/departments/create-department.ts',
  summary: 'Create a department, at the root or under a parent (names unique among siblings)',
  tag: 'Departments',
  access: { roles: ['admin'], scopes: ['lms/users.write'] },
  request: { body: CreateDepartmentBody, idempotent: true },
  response: { status: 201, description: 'Created', body: Department },
  needs: { table: 'write' },
});

export const getDepartment = defineRoute({
  id: 'getDepartment',
  method: 'GET',
  path: '/departments/{id}',
  handler: 'functions/departments/get-department.ts',
  summary: 'Read a department (managers: within their subtree)',
  tag: 'Departments',
  access: { roles: ['admin', 'manager'], scopes: ['lms/users.read'] },
  request: { params: DepartmentIdParams },
  response: { status: 200, description: 'The department; ETag carries the version', body: Department },
  needs: { table: 'read' },
});

export const listDepartments = defineRoute({
  id: 'listDepartments',
  method: 'GET',
  path: '/departments',
  handler: 'functions/departments/list-departments.ts',
  summary: 'List departments in tree order (managers: their subtree only)',
  tag: 'Departments',
  access: { roles: ['admin', 'manager'], scopes: ['lms/users.read'] },
  request: { query: ListDepartmentsQuery },
  response: { status: 200, description: 'A page of departments', body: pageOf(Department) },
  needs: { table: 'read' },
});

export const updateDepartment = defineRoute({
  id: 'updateDepartment',
  method: 'PATCH',
  path: '/departments/{id}',
  handler: 'functions/departments/update-department.ts',
  summary: 'Rename, move (no cycles) or change the manager of a department',
  tag: 'Departments',
  access: { roles: ['admin'], scopes: ['lms/users.write'] },
  request: { params: DepartmentIdParams, body: UpdateDepartmentBody, ifMatch: 'required' },
  response: { status: 200, description: 'The updated department', body: Department },
  needs: { table: 'write' },
});

export const deleteDepartment = defineRoute({
  id: 'deleteDepartment',
  method: 'DELETE',
  path: '/departments/{id}',
  handler: 'functions/departments/delete-department.ts',
  summary: 'Delete an empty department (no sub-departments, no people)',
  tag: 'Departments',
  access: { roles: ['admin'], scopes: ['lms/users.write'] },
  request: { params: DepartmentIdParams, ifMatch: 'optional' },
  response: { status: 204, description: 'Deleted' },
  needs: { table: 'write' },
});
