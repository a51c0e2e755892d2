import { ERROR_CODES, TspackError } from "@tspack/errors";
import type { CommandContext } from "../context.js";

export async function runBuild(_ctx: CommandContext): Promise<number> {
  throw new TspackError(ERROR_CODES.INTERNAL, "not implemented yet");
}
