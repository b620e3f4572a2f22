import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';

/** Flips readiness to 503 as soon as shutdown begins, so balancers stop sending new traffic. */
@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  stopping = false;

  beforeApplicationShutdown(): void {
    this.stopping = true;
  }
}
