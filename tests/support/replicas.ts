/**
 * Two haigpt processes sharing one real redis-server, in front of one simulator: the set-up of the
 * replica tests. Each replica is started as users start it, with the same config file and environment.
 */
import { startSimulator, type Simulator } from "./harness.ts";
import { startProcess, type RunningProcess } from "./process.ts";
import { startRedisServer, type RedisServer } from "./redis-server.ts";
import { makeTempDir } from "./temp-files.ts";

export interface Replicas {
  readonly azure: Simulator;
  readonly redis: RedisServer;
  readonly replicas: RunningProcess[];
  /** Stops both replicas, Redis and the simulator, and removes the config file. */
  stop(): Promise<void>;
}

/** Starts the simulator and Redis, writes `config` to a temp file, and starts two replicas with `env` added. */
export async function startReplicas(config: object, env: Record<string, string> = {}): Promise<Replicas> {
  const temp = makeTempDir();
  const [azure, redis] = await Promise.all([startSimulator(), startRedisServer()]);
  const path = temp.write("config.json", config);
  const processEnv = { HAIGPT_AZURE_ENDPOINT: `${azure.url}/{resourceId}`, HAIGPT_REDIS_URL: redis.url, PORT: "0", HOST: "127.0.0.1", ...env };
  const replicas = await Promise.all([startProcess(processEnv, ["--config", path]), startProcess(processEnv, ["--config", path])]);
  return {
    azure,
    redis,
    replicas,
    async stop() {
      await Promise.all(replicas.map((replica) => replica.stop()));
      await Promise.all([redis.stop(), azure.stop()]);
      temp.cleanup();
    },
  };
}
