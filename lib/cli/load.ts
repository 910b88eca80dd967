/** `loadWorkflow` for the CLI's commands (it lives in lib/loader: `restart()` loads a run's workflow file too). @example await loadWorkflow('examples/steps.ts') */
export { loadWorkflow } from '../loader/workflow-file.ts'
