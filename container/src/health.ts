/**
 * The `/ping` health status of the AgentCore Runtime HTTP contract.
 *
 * `HealthyBusy` while at least one invocation runs, `Healthy` otherwise. `time_of_last_update`
 * (Unix seconds) changes only when the status changes: AgentCore ends a session that has stayed
 * `Healthy` for its idle timeout (15 minutes by default), and `HealthyBusy` keeps it alive.
 */
export type HealthStatus = 'Healthy' | 'HealthyBusy';

export interface PingResponse {
  status: HealthStatus;
  time_of_last_update: number;
}

export class Health {
  private running = 0;
  private status: HealthStatus = 'Healthy';
  private updatedAt: number;

  constructor(private readonly now: () => number = Date.now) {
    this.updatedAt = Math.floor(now() / 1000);
  }

  /** Mark one invocation as started; returns the function that marks it finished (idempotent). */
  begin(): () => void {
    this.running += 1;
    this.update();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.running -= 1;
      this.update();
    };
  }

  /** Invocations running now. */
  get busyCount(): number {
    return this.running;
  }

  ping(): PingResponse {
    return { status: this.status, time_of_last_update: this.updatedAt };
  }

  private update(): void {
    const next: HealthStatus = this.running > 0 ? 'HealthyBusy' : 'Healthy';
    if (next === this.status) return;
    this.status = next;
    this.updatedAt = Math.floor(this.now() / 1000);
  }
}
