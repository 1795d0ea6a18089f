/** Twilio's error body: `{ code, message, more_info, status }`. */
export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

/** An error the emulator answers the way Twilio would, with Twilio's error code. */
export class EmulatorError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    /** `more_info` when it is not Twilio's page for the code (scripted faults). */
    readonly moreInfoUrl?: string,
  ) {
    super(message);
    this.name = 'EmulatorError';
  }

  toBody(): TwilioErrorBody {
    return { code: this.code, message: this.message, more_info: this.moreInfoUrl ?? moreInfo(this.code), status: this.status };
  }
}

export function moreInfo(code: number): string {
  return `https://www.twilio.com/docs/errors/${code}`;
}

/** 404 as Twilio words it: the path without its version prefix. */
export function notFound(pathname: string): EmulatorError {
  return new EmulatorError(404, 20404, `The requested resource ${pathname.replace(/^\/v\d+/, '')} was not found`);
}

/** 400 for a parameter that is missing or has a bad value; the message names the parameter. */
export function invalidParameter(message: string, code = 20001): EmulatorError {
  return new EmulatorError(400, code, message);
}

/** A uniqueness clash (duplicate unique name or identity). Twilio answers these 409. */
export function conflict(code: number, message: string): EmulatorError {
  return new EmulatorError(409, code, message);
}
