/** One labelled interval of an utterance. Times in seconds from the start of the audio. */
export interface PhoneSegment {
  start: number;
  end: number;
  phone: string;
}
