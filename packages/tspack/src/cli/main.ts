/** CLI entry: returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  process.stdout.write(`tspack ${argv.join(" ")}\n`);
  return 0;
}
