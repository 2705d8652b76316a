/** A command of the `mockidp` CLI (registered in ./main.ts, loaded only when run). */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}
