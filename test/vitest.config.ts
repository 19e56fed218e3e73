import { projectTestConfig } from '../vitest.shared.ts';

// The chaos suite is one file of minutes: the system tests run alone (project.json) with two
// workers, so the other files run beside it.
export default projectTestConfig(import.meta.dirname, { integrationWorkers: 2 });
