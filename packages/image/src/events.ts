/** Progress of pulls and pushes (bytes and digests only: never a credential). */
export type ImageEvent =
  | { type: "image:pull"; reference: string; digest: string; bytes: number; cached: boolean }
  | {
      type: "image:push";
      reference: string;
      digest: string;
      bytes: number;
      outcome: "present" | "mounted" | "uploaded";
    }
  | { type: "image:pushed"; reference: string; digest: string }
  | { type: "warning"; message: string }
  | { type: "image:retry"; message: string };
