/** Whether a workflow file is Argo YAML or JSON (rather than a TypeScript module). @example isArgoFile('hello.yaml') // true */
export const isArgoFile = (file: string): boolean => /\.(ya?ml|json)$/i.test(file)
